using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LogSidecar.Tests.EndToEnd;

public class HealthEndpointTests
{
    [Fact]
    public async Task HealthReadinessAndPrometheusMetricsAreServedOnLoopback()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a.log"), "one\ntwo\n", TestContext.Current.CancellationToken);
        var port = FreePort();

        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log"), "--metrics-port", port.ToString(CultureInfo.InvariantCulture)]);
        await sidecar.Process.WaitUntilAsync(lines => lines.Count == 2, "both records");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("logsidecar_records_written_total 2", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_stream_lag_bytes{stream=\"app\"} 0", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/nope", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
