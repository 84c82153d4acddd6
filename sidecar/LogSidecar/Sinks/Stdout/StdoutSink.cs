using LogSidecar.Delivery;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Sinks.Formatting;

namespace LogSidecar.Sinks.Stdout;

/// <summary>
/// Formats records into one large buffer and writes it to stdout in one call when it is full or the
/// input runs dry; a record counts as delivered once the write returned. Two buffers take turns, so
/// the next one fills while the previous one is written.
/// </summary>
internal sealed class StdoutSink(IRecordFormatter formatter, Stream stdout, int bufferBytes, SidecarMetrics metrics) : ISink
{
    private OutputBuffer _filling = new(stdout, bufferBytes);
    private OutputBuffer _writing = new(stdout, bufferBytes);
    private int _records;

    public string Name => "stdout";

    public TimeSpan FlushInterval => TimeSpan.Zero;

    public bool HasPending => _filling.Length > 0 || _records > 0;

    public bool Fits(PreparedRecord record) => _filling.Fits(formatter.WorstCaseBytes(record));

    public void Append(PreparedRecord record)
    {
        formatter.Write(record, _filling);
        _records++;
    }

    public Task FlushAsync(CancellationToken abort)
    {
        // The loop waits for this flush before the next one, so the other buffer is free again by then.
        (_filling, _writing) = (_writing, _filling);
        var records = _records;
        _records = 0;
        return WriteAsync(_writing, records, abort);
    }

    private async Task WriteAsync(OutputBuffer buffer, int records, CancellationToken abort)
    {
        var length = buffer.Length;
        try
        {
            await buffer.FlushAsync(abort);
        }
        catch (IOException e)
        {
            // Say which output failed and why that usually happens; the records stay unacknowledged.
            throw new IOException($"writing to stdout failed ({e.Message}): whatever reads the sidecar's stdout (the container runtime, or the next command of a pipe) has closed it", e);
        }

        metrics.Written(records, length);
    }
}
