namespace LogSidecar.Tailing;

/// <summary>Why a tailer's turn ended.</summary>
internal enum TailerExit
{
    /// <summary>Done with the file: drained after rotation or deletion, or read to its end at shutdown.</summary>
    Finished,

    /// <summary>Read to its end while other files waited for a descriptor: closed, its position kept, opened again when it grows.</summary>
    Resting,
}
