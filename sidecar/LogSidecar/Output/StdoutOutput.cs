using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;

namespace LogSidecar.Output;

/// <summary>
/// The single consumer of the record channel: formats batches into one large buffer, writes it
/// to stdout, and only then acknowledges the batches, so a checkpoint never passes a record that
/// was not written.
/// </summary>
internal sealed class StdoutOutput(
    ChannelReader<LineBatch> input,
    IRecordFormatter formatter,
    OutputBuffer buffer,
    SidecarMetrics metrics,
    TimeProvider time)
{
    // Batches formatted into the buffer but not yet written; acknowledged after the write.
    private readonly List<LineBatch> _pending = [];
    private int _pendingRecords;

    public async Task RunAsync(CancellationToken abort)
    {
        while (await input.WaitToReadAsync(abort))
        {
            while (input.TryRead(out var batch))
            {
                await FormatAsync(batch, abort);
            }

            // The channel ran dry: write now rather than wait for more, to keep latency low.
            await FlushAsync(abort);
        }

        await FlushAsync(abort);
    }

    private async Task FormatAsync(LineBatch batch, CancellationToken abort)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch.Records[i];
            if (!buffer.Fits(formatter.WorstCaseBytes(batch, record)))
            {
                await FlushAsync(abort);
            }

            formatter.Write(batch, batch.Records[i], buffer);
        }

        _pending.Add(batch);
        _pendingRecords += batch.Count;
    }

    private async Task FlushAsync(CancellationToken abort)
    {
        var before = buffer.BytesWritten;
        await buffer.FlushAsync(abort);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var batch in _pending)
        {
            var identity = batch.Identity!;
            batch.File.Acknowledged = new FileCheckpoint(
                identity.Device, identity.Inode, identity.FingerprintLength, identity.FingerprintHash, batch.EndOffset, batch.File.Path, now);
            batch.Release();
        }

        metrics.Written(_pendingRecords, buffer.BytesWritten - before);
        _pending.Clear();
        _pendingRecords = 0;
    }
}
