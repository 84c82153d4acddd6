using System.Collections.Concurrent;
using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;

namespace LogSidecar.Output;

/// <summary>
/// The consumer of the record channel. Batches are formatted in parallel (parsing is the costly
/// part, and one file's batches would otherwise use one core), each into its own buffer; the
/// buffers are written to stdout strictly in the order the batches arrived, and a batch is
/// acknowledged only after its bytes were written, so a checkpoint never passes an unwritten record.
/// </summary>
internal sealed class StdoutOutput
{
    private const int InitialBufferBytes = 512 * 1024;

    private readonly ChannelReader<LineBatch> _input;
    private readonly Func<IRecordFormatter> _createFormatter;
    private readonly Stream _stdout;
    private readonly SidecarMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly int _workers;

    // Formatters keep per-record scratch state, so each is used by one worker at a time.
    private readonly ConcurrentBag<IRecordFormatter> _formatters = [];

    // Buffers keep the size they grew to; at most (workers * 2 + 1) exist, which bounds memory.
    private readonly ConcurrentBag<OutputBuffer> _buffers = [];

    public StdoutOutput(ChannelReader<LineBatch> input, Func<IRecordFormatter> createFormatter, Stream stdout, SidecarMetrics metrics, TimeProvider time, int workers)
    {
        _input = input;
        _createFormatter = createFormatter;
        _stdout = stdout;
        _metrics = metrics;
        _time = time;
        _workers = Math.Max(1, workers);
    }

    public async Task RunAsync(CancellationToken abort)
    {
        // In formatting order; bounded, so at most this many batches are formatted ahead of the writes.
        var formatted = Channel.CreateBounded<Task<FormattedBatch>>(new BoundedChannelOptions(_workers * 2)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        using var stopFormatting = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var producer = FormatAllAsync(formatted.Writer, stopFormatting.Token);
        try
        {
            await WriteAllAsync(formatted.Reader, abort);
        }
        catch
        {
            // The writes failed: stop formatting, or the producer would wait forever for room.
            await stopFormatting.CancelAsync();
            throw;
        }
        finally
        {
            await producer;
        }
    }

    private async Task FormatAllAsync(ChannelWriter<Task<FormattedBatch>> formatted, CancellationToken abort)
    {
        try
        {
            while (await _input.WaitToReadAsync(abort))
            {
                while (_input.TryRead(out var batch))
                {
                    await formatted.WriteAsync(Task.Run(() => Format(batch), abort), abort);
                }
            }

            formatted.TryComplete();
        }
        catch (Exception e)
        {
            formatted.TryComplete(e);
        }
    }

    private FormattedBatch Format(LineBatch batch)
    {
        var formatter = _formatters.TryTake(out var pooled) ? pooled : _createFormatter();
        var buffer = _buffers.TryTake(out var free) ? free : new OutputBuffer(_stdout, InitialBufferBytes);
        try
        {
            foreach (var record in batch.Records)
            {
                formatter.Write(batch, record, buffer);
            }
        }
        finally
        {
            _formatters.Add(formatter);
        }

        return new FormattedBatch(batch, buffer);
    }

    private async Task WriteAllAsync(ChannelReader<Task<FormattedBatch>> formatted, CancellationToken abort)
    {
        while (await formatted.WaitToReadAsync(abort))
        {
            while (formatted.TryRead(out var next))
            {
                var (batch, buffer) = await next;
                var bytes = buffer.Length;
                await buffer.FlushAsync(abort);
                _buffers.Add(buffer);
                Acknowledge(batch);
                _metrics.Written(batch.Count, bytes);
                batch.Release();
            }
        }
    }

    private void Acknowledge(LineBatch batch)
    {
        var identity = batch.Identity!;
        batch.File.Acknowledged = new FileCheckpoint(
            identity.Device, identity.Inode, identity.FingerprintLength, identity.FingerprintHash,
            batch.EndOffset, batch.File.Path, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private readonly record struct FormattedBatch(LineBatch Batch, OutputBuffer Buffer);
}
