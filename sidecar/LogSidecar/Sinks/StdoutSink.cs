using LogSidecar.Diagnostics;
using LogSidecar.Output;
using LogSidecar.Pipeline;

namespace LogSidecar.Sinks;

/// <summary>
/// Formats records into one large buffer and writes it to stdout in one call when it is full or the
/// input runs dry; a record counts as delivered once the write returned.
/// </summary>
internal sealed class StdoutSink(IRecordFormatter formatter, OutputBuffer buffer, SidecarMetrics metrics) : ISink
{
    private int _records;

    public string Name => "stdout";

    public TimeSpan FlushInterval => TimeSpan.Zero;

    public bool HasPending => buffer.Length > 0 || _records > 0;

    public bool Fits(LineBatch batch, in LineRecord record) => buffer.Fits(formatter.WorstCaseBytes(batch, record));

    public void Append(LineBatch batch, in LineRecord record)
    {
        formatter.Write(batch, record, buffer);
        _records++;
    }

    public async Task FlushAsync(CancellationToken abort)
    {
        var before = buffer.BytesWritten;
        await buffer.FlushAsync(abort);
        metrics.Written(_records, buffer.BytesWritten - before);
        _records = 0;
    }
}
