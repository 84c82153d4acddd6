namespace LogSidecar.Diagnostics;

/// <summary>One stream's counters, updated lock-free by the stream's readers and parsers.</summary>
internal sealed class StreamCounters
{
    private long _records;
    private long _bytes;
    private long _parseErrors;

    public long Records => Interlocked.Read(ref _records);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    public void Read(int records, long bytes)
    {
        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void ParseError() => Interlocked.Increment(ref _parseErrors);
}
