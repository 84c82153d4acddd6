namespace LogSidecar.Diagnostics;

/// <summary>One stream's counters, updated lock-free by the stream's readers and parsers.</summary>
internal sealed class StreamCounters
{
    private long _parseErrors;

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    public void ParseError() => Interlocked.Increment(ref _parseErrors);
}
