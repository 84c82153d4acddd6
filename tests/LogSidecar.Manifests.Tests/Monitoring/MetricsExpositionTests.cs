using LogSidecar.Injector.Tests.Infrastructure;
using LogSidecar.Manifests.Tests.Infrastructure;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Manifests.Tests.Monitoring;

/// <summary>The metrics pages of both programs follow the Prometheus conventions, as promtool's linter checks them.</summary>
public sealed class MetricsExpositionTests
{
    [Fact]
    public async Task TheSidecarsAndTheInjectorsMetricsPassPromtoolsLint()
    {
        var token = TestContext.Current.CancellationToken;
        await PrometheusTools.SkipUnlessInstalledAsync(token);
        using var directory = new TempDirectory();
        using var certificates = TestCertificates.Create("logsidecar-injector");

        // Every family with series: a retry, a dead letter, deliveries.
        await using var backend = new ElasticsearchBulkReceiver
        {
            ItemFaults = (_, document, _) => ((string)document["message"]!).StartsWith("refuse", StringComparison.Ordinal)
                ? new BulkItemFault(400, "mapper_parsing_exception", "failed to parse field [status] of type [long]")
                : null,
        };
        backend.FailNext(new RequestFault(503));
        await backend.StartAsync();
        await File.WriteAllTextAsync(directory.File("app.log"), "accept 1\nrefuse 2\n{\"msg\":\"accept 3\"}\n", token);
        var metricsPort = LoopbackPort.Free();
        await using var sidecar = ChildProcess.Start("logsidecar.dll", MonitoredPrograms.SidecarArguments(directory, backend.Endpoint, metricsPort), environment: MonitoredPrograms.PodEnvironment);
        await backend.WaitUntilAsync(() => backend.Created == 2, "the two accepted lines");
        await sidecar.WaitForErrorOutputAsync("dead-letter");

        // And the controller's: a pod missing its sidecar and a drifted one, by namespace.
        await using var cluster = await MonitoredPrograms.StartClusterAsync(directory, token);
        var (injector, injectorPort) = await MonitoredPrograms.StartInjectorAsync(directory, certificates, cluster);
        await using var injectorProcess = injector;
        using var injectorClient = MonitoredPrograms.InjectorClient(injectorPort, certificates.Authority);
        using (var malformed = await AdmissionReviews.PostAsync(injectorClient, "/inject/opt-in", "{}"))
        {
            Assert.Equal(400, (int)malformed.StatusCode);
        }

        string[] reported = [$"logsidecar_injector_pods_missing_sidecar{{namespace=\"{MonitoredPrograms.PodNamespace}\"}} 1", $"logsidecar_injector_pods_drifted{{namespace=\"{MonitoredPrograms.PodNamespace}\"}} 1"];
        await Eventually.WaitAsync(
            async () =>
            {
                var page = await injectorClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), token);
                return (reported.All(series => page.Contains(series, StringComparison.Ordinal)), page);
            },
            "the controller's gauges",
            TimeSpan.FromMinutes(1),
            token,
            TimeSpan.FromMilliseconds(200));

        using var sidecarClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };
        foreach (var (program, client) in new[] { ("sidecar", sidecarClient), ("injector", injectorClient) })
        {
            var page = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), token);
            var lint = await PrometheusTools.PromtoolAsync(["check", "metrics"], directory.Path, token, input: page);

            Assert.True(lint.ExitCode == 0 && lint.Output.Trim().Length == 0 && lint.Error.Trim().Length == 0, lint.Describe($"promtool check metrics of the {program}'s page:\n{page}\n"));
        }
    }
}
