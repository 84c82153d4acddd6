using System.Net;

namespace LogSidecar.Tests.EndToEnd;

public class HealthEndpointTests
{
    [Fact]
    public async Task HealthReadinessAndPrometheusMetricsAreServedOnLoopback()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a.log"), "one\ntwo\n", TestContext.Current.CancellationToken);
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log"), .. endpoint.Flags]);
        await sidecar.Process.WaitUntilAsync(lines => lines.Count == 2, "both records");

        Assert.Equal("ok\n", await (await endpoint.GetAsync("/healthz")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await endpoint.GetAsync("/readyz")).StatusCode);
        var metrics = await endpoint.ScrapeAsync();
        Assert.Contains("logsidecar_records_written_total 2", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"app\"} 0", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await endpoint.GetAsync("/nope")).StatusCode);
    }
}
