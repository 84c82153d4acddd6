namespace LogSidecar.Pipeline;

/// <summary>What happened to a record on its way in.</summary>
[Flags]
internal enum RecordFlags : byte
{
    None = 0,

    /// <summary>The line was longer than the maximum; the bytes past it were dropped and counted.</summary>
    Truncated = 1,

    /// <summary>The file ended without a newline and stayed idle; the line was emitted as it was.</summary>
    Unterminated = 2,
}
