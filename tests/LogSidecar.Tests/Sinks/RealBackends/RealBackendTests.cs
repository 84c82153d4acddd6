using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DotNet.Testcontainers.Builders;

namespace LogSidecar.Tests.Sinks.RealBackends;

/// <summary>
/// The real backends in containers (Testcontainers): what the loopback receivers imitate, checked
/// against the servers themselves. Without a Docker engine these tests skip, printing why.
/// Backends index asynchronously, so their query APIs are polled until the records show.
/// </summary>
public class RealBackendTests
{
    private static readonly TimeSpan QueryPatience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task OpenSearchStoresEveryLineOnceEvenWhenEverythingIsSentTwice()
    {
        await DockerEngine.RequireAsync("OpenSearch", TestContext.Current.CancellationToken);
        await using var opensearch = new ContainerBuilder("opensearchproject/opensearch:2.19.1")
            .WithEnvironment("discovery.type", "single-node")
            .WithEnvironment("DISABLE_SECURITY_PLUGIN", "true")
            .WithEnvironment("DISABLE_INSTALL_DEMO_CONFIG", "true")
            .WithEnvironment("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
            .WithPortBinding(9200, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(9200).ForPath("/_cluster/health")))
            .Build();
        await opensearch.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = new Uri($"http://127.0.0.1:{opensearch.GetMappedPublicPort(9200)}/");

        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(2000);
        var sink = new JsonObject { ["type"] = "opensearch", ["endpoint"] = endpoint.ToString(), ["index"] = "logs-app" };

        for (var run = 0; run < 2; run++)
        {
            // The second run starts without checkpoints: every record is sent again, with the same ids.
            if (Directory.Exists(dir.File("state")))
            {
                Directory.Delete(dir.File("state"), recursive: true);
            }

            await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true);
            Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
            Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        }

        using var http = new HttpClient { BaseAddress = endpoint };
        using var refreshed = await http.PostAsync(new Uri("logs-app/_refresh", UriKind.Relative), null, TestContext.Current.CancellationToken);
        refreshed.EnsureSuccessStatusCode();
        var count = await http.GetFromJsonAsync<JsonObject>("logs-app/_count", TestContext.Current.CancellationToken);
        Assert.Equal(2000, count!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task LokiReturnsEveryLineInItsStream()
    {
        await DockerEngine.RequireAsync("Loki", TestContext.Current.CancellationToken);
        await using var loki = new ContainerBuilder("grafana/loki:3.4.2")
            .WithCommand("-config.file=/etc/loki/local-config.yaml")
            .WithPortBinding(3100, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(3100).ForPath("/ready")))
            .Build();
        await loki.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = new Uri($"http://127.0.0.1:{loki.GetMappedPublicPort(3100)}/");

        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        await using (var sidecar = ShippingSidecar.Start(dir, log, new JsonObject { ["type"] = "loki", ["endpoint"] = endpoint.ToString() }, once: true))
        {
            Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
            Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        }

        using var http = new HttpClient { BaseAddress = endpoint };
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() * 1_000_000;
        var query = $"loki/api/v1/query_range?query={Uri.EscapeDataString("{stream=\"app\"}")}&limit=5000&start={start}";
        var numbers = new List<long>();
        var deadline = DateTimeOffset.UtcNow + QueryPatience;
        while (numbers.Count < 500 && DateTimeOffset.UtcNow < deadline)
        {
            var answer = await http.GetFromJsonAsync<JsonObject>(query, TestContext.Current.CancellationToken);
            numbers = [.. answer!["data"]!["result"]!.AsArray()
                .SelectMany(stream => stream!["values"]!.AsArray())
                .SelectMany(value => SidecarProcess.Numbers([value![1]!.GetValue<string>()]))];
            if (numbers.Count < 500)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), numbers.Order());
    }
}
