using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LogSidecar.Tests.Diagnostics;

/// <summary>The real sidecar's health and metrics port against what anything in the pod can do to it.</summary>
public class HealthServerTests
{
    // The GC heap a 64Mi container gives .NET (75 % of the limit), set explicitly so the test does not depend on this machine.
    private const string HeapOf64MiPod = "0x3000000";

    [Fact]
    public async Task ThousandsOfIdleConnectionsUnderAPodsHeapLimitLeaveTheSidecarAliveAndAnswering()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("app.log"), "one\n", TestContext.Current.CancellationToken);
        using var endpoint = new MetricsEndpoint();
        await using var sidecar = SidecarProcess.Start(
            ["--path", dir.File("app.log"), .. endpoint.Flags],
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapOf64MiPod });
        await sidecar.Process.WaitUntilAsync(lines => lines.Count == 1, "the record");
        await endpoint.WaitUntilAsync(_ => true, "the endpoint", sidecar.Process);

        // Real sockets that connect and never send a byte, opened in waves so the listen queue keeps up.
        var idle = new List<Socket>();
        try
        {
            for (var wave = 0; wave < 12; wave++)
            {
                var sockets = Enumerable.Range(0, 500).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
                idle.AddRange(sockets);
                await Task.WhenAll(sockets.Select(s => s.ConnectAsync(IPAddress.Loopback, endpoint.Port, TestContext.Current.CancellationToken).AsTask()));
            }

            // While all 6,000 are still open on this side: alive, healthy, and it says what it did.
            Assert.False(sidecar.Process.HasExited, sidecar.Process.Errors);
            var health = await endpoint.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var metrics = await endpoint.ScrapeAsync();
            Assert.True(MetricsEndpoint.Value(metrics, "logsidecar_http_connections_closed_total{reason=\"over_limit\"}") > 1000, metrics);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }

        Assert.Equal(HttpStatusCode.OK, (await endpoint.GetAsync("/healthz")).StatusCode);
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }

    [Fact]
    public async Task APortAlreadyInUseIsNamedWithTheSettingAndThePodAnnotationToChange()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("app.log"), "one\n", TestContext.Current.CancellationToken);
        using var app = new TcpListener(IPAddress.Loopback, 0);
        app.Start();
        var port = ((IPEndPoint)app.LocalEndpoint).Port;

        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log"), "--metrics-port", port.ToString(CultureInfo.InvariantCulture)]);

        Assert.Equal(2, await sidecar.Process.WaitForExitAsync());
        var errors = sidecar.Process.Errors;
        Assert.Contains($"port {port} is already in use", errors, StringComparison.Ordinal);
        Assert.Contains("metrics.port", errors, StringComparison.Ordinal);
        Assert.Contains("logsidecar.io/metrics-port", errors, StringComparison.Ordinal);
    }
}
