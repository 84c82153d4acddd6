using System.Threading.Channels;
using LogSidecar.Delivery;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Tests.Delivery;

public class DeliveryLoopTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<LineBatch> _channel = Channel.CreateBounded<LineBatch>(16);
    private readonly TrackedFile _shipped = new("/logs/shipped.log", "both");
    private readonly TrackedFile _local = new("/logs/local.log", "stdout-only");

    [Fact]
    public async Task ABatchIsAcknowledgedOnlyWhenEverySinkHoldingItFlushedAndOtherFilesDoNotWait()
    {
        var stdout = new GatedSink("stdout", TimeSpan.Zero);
        var backend = new GatedSink("backend", TimeSpan.FromSeconds(1));
        var loop = new DeliveryLoop(_channel.Reader, new Dictionary<string, ISink[]> { ["both"] = [stdout, backend], ["stdout-only"] = [stdout] }, Plain(), _time);
        var running = loop.RunAsync(TestContext.Current.CancellationToken);

        await _channel.Writer.WriteAsync(Batch(_shipped, endOffset: 100), TestContext.Current.CancellationToken);
        await _channel.Writer.WriteAsync(Batch(_local, endOffset: 50), TestContext.Current.CancellationToken);

        // The input ran dry: stdout is written at once, the backend waits for its flush interval.
        await stdout.FlushStartedAsync();
        stdout.ReleaseFlush();
        await _channel.Writer.WriteAsync(Batch(_local, endOffset: 80), TestContext.Current.CancellationToken);
        await stdout.FlushStartedAsync();

        Assert.Equal(50, _local.Acknowledged?.Offset);
        Assert.Null(_shipped.Acknowledged);
        Assert.Equal(0, backend.Flushes);
        stdout.ReleaseFlush();

        // The flush interval passes: the backend takes the batch, and only when it delivered is the batch acknowledged.
        _time.Advance(TimeSpan.FromSeconds(1));
        await backend.FlushStartedAsync();
        Assert.Null(_shipped.Acknowledged);
        backend.ReleaseFlush();
        _channel.Writer.Complete();
        await running;

        Assert.Equal(100, _shipped.Acknowledged?.Offset);
        Assert.Equal(80, _local.Acknowledged?.Offset);
        Assert.Equal(3, stdout.Appended);
        Assert.Equal(1, backend.Appended);
    }

    [Fact]
    public async Task AFileBatchesAreAcknowledgedInOrderEvenWhenALaterOneIsDeliveredFirst()
    {
        var backend = new GatedSink("backend", TimeSpan.FromSeconds(1));
        var stdout = new GatedSink("stdout", TimeSpan.Zero);
        var loop = new DeliveryLoop(_channel.Reader, new Dictionary<string, ISink[]> { ["both"] = [backend, stdout] }, Plain(), _time);
        var running = loop.RunAsync(TestContext.Current.CancellationToken);

        await _channel.Writer.WriteAsync(Batch(_shipped, endOffset: 100), TestContext.Current.CancellationToken);
        await stdout.FlushStartedAsync();
        stdout.ReleaseFlush();
        _time.Advance(TimeSpan.FromSeconds(1));
        await backend.FlushStartedAsync();

        // Still in the backend's flush: the batch is not delivered, however stdout did.
        Assert.Null(_shipped.Acknowledged);
        backend.ReleaseFlush();
        _channel.Writer.Complete();
        await running;

        Assert.Equal(100, _shipped.Acknowledged?.Offset);
    }

    private static RecordPreparer Plain() => new(new Dictionary<string, IRecordParser?>(), new SidecarMetrics());

    private static LineBatch Batch(TrackedFile file, long endOffset)
    {
        var batch = new LineBatch(file, 64, DateTimeOffset.UnixEpoch)
        {
            Identity = new FileIdentity(1, (ulong)file.Path.Length, 0, 0),
            EndOffset = endOffset,
        };
        batch.Add(new LineRecord(0, 1, endOffset - 1, RecordFlags.None));
        return batch;
    }
}
