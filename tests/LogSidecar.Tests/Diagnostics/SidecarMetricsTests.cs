using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;
using LogSidecar.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Tests.Diagnostics;

public class SidecarMetricsTests
{
    [Fact]
    public void EveryConfiguredStreamHasItsLagAndParseErrorSeriesFromTheStart()
    {
        var text = new SidecarMetrics(["app", "access"]).Render();

        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"access\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"app\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_parse_errors_total{stream=\"access\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_parse_errors_total{stream=\"app\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsAndBytesReadAreCountedPerStream()
    {
        var metrics = new SidecarMetrics(["app", "access"]);
        metrics.Read("app", 3, 120);
        metrics.Read("app", 1, 40);
        metrics.Read("access", 2, 10);

        var text = metrics.Render();

        Assert.Contains("logsidecar_records_read_total{stream=\"app\"} 4\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_records_read_total{stream=\"access\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_bytes_read_total{stream=\"app\"} 160\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_bytes_read_total{stream=\"access\"} 10\n", text, StringComparison.Ordinal);
        Assert.Equal(6, metrics.RecordsRead);
    }

    [Fact]
    public void TheStartTimeIsExportedAsProcessStartTimeSecondsSoRestartsShow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_500_000_250));

        var text = new SidecarMetrics(["app"], time).Render();

        Assert.Contains("# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1764500000.25\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LagIsTheUndeliveredBytesOfAStreamsFilesSummedWithoutAFilePathLabel()
    {
        var metrics = new SidecarMetrics(["app", "access"]);
        metrics.Track(new TrackedFile("/var/log/app/app.log", "app") { Size = 1000, Acknowledged = Checkpoint(400) });
        metrics.Track(new TrackedFile("/var/log/app/app.log.1", "app") { Size = 300 });
        var access = new TrackedFile("/var/log/app/access.log", "access") { Size = 50, Acknowledged = Checkpoint(50) };
        metrics.Track(access);

        var text = metrics.Render();

        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"app\"} 900\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"access\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/log/app", text, StringComparison.Ordinal);

        metrics.Untrack(access);
        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"access\"} 0\n", metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LagCountsBytesAppendedWhileTheReaderWaitsOnAStalledOutput()
    {
        using var dir = new TempDirectory();
        var path = dir.File("app.log");
        var line = new string('x', 63) + "\n";
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat(line, 4096)), TestContext.Current.CancellationToken);
        var metrics = new SidecarMetrics(["app"]);
        var time = new FakeTimeProvider();
        var options = new TailingOptions(4096, 1024, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 1024);

        // Nobody takes from the channel: once its one slot is full the reader waits, as it does while a backend is down.
        var output = Channel.CreateBounded<LineBatch>(1);
        var watcher = new FileWatcher(
            [new WatchedStream(new StreamConfig { Name = "app", Paths = [path] }, RegexUse.None)], dir.File("state"), new CheckpointRegistry(time),
            firstStart: true, options, new ReadBufferPool(4 * options.ReadBufferBytes, options.ReadBufferBytes), output.Writer, metrics, time, NullLoggerFactory.Instance);
        using var abort = new CancellationTokenSource();
        watcher.Scan(CancellationToken.None, abort.Token);
        await output.Reader.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(ChildProcess.DefaultTimeout, TestContext.Current.CancellationToken);

        // The reader is now stuck on the second of the file's four 64 KiB reads, far from these bytes.
        await File.AppendAllTextAsync(path, string.Concat(Enumerable.Repeat(line, 16)), TestContext.Current.CancellationToken);
        watcher.Scan(CancellationToken.None, abort.Token);

        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"app\"} 263168\n", metrics.Render(), StringComparison.Ordinal);
        await abort.CancelAsync();
    }

    private static FileCheckpoint Checkpoint(long offset) => new(1, 2, 0, 0, offset, "/var/log/app/app.log", 0);
}
