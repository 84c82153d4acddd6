namespace LogSidecar.Diagnostics;

/// <summary>
/// An open file as the lag gauge sees it: metrics know only the stream it belongs to and how many of its
/// bytes are not yet delivered, never the tailing or pipeline types that track it.
/// </summary>
internal interface ILaggingFile
{
    string Stream { get; }

    /// <summary>Bytes read into the file's size but not yet acknowledged by every output; never negative.</summary>
    long LagBytes { get; }
}
