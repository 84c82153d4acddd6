namespace LogSidecar.Multiline;

/// <summary>
/// Decides, line by line, where records start. Rules may keep state (a Python traceback, a Go
/// panic), so each file gets its own instance.
/// </summary>
internal interface ILineJoinRule
{
    /// <summary>True when <paramref name="line"/> (without its newline) starts a new record.</summary>
    bool StartsRecord(ReadOnlySpan<byte> line);
}
