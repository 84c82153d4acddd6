using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Tailing;

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

    private static FileCheckpoint Checkpoint(long offset) => new(1, 2, 0, 0, offset, "/var/log/app/app.log", 0);
}
