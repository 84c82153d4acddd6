using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogSidecar.Injector.Tests.Infrastructure;
using LogSidecar.Manifests.Tests.Infrastructure;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Manifests.Tests.Monitoring;

/// <summary>
/// A real Prometheus (the Debian package) scrapes a real sidecar, which ships to a loopback Elasticsearch
/// that is down for a while and then refuses some records for good, and a real injector answering
/// admission reviews over HTTPS whose controller watches a loopback Kubernetes API with a pod that misses its
/// sidecar and one that drifted. Every query of the dashboard and every alert of the PrometheusRule is
/// evaluated on what it scraped, with the shipped expressions (only the rules' for: is shortened).
/// </summary>
public sealed partial class PrometheusEndToEndTests
{
    private const int Lines = 30_000;
    private const int DeadLetterEvery = 50;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // Alerts this test cannot bring about honestly, and why; their expressions are still evaluated.
    private static readonly Dictionary<string, string> NotBroughtAbout = new(StringComparer.Ordinal)
    {
        ["LogSidecarInjectorSlow"] = "the injector answers in milliseconds here (promtool's unit tests make it fire)",
    };

    [Fact]
    public async Task EveryDashboardQueryAndAlertWorksOnWhatPrometheusScrapesAndABackendOutageFiresItsAlert()
    {
        var token = TestContext.Current.CancellationToken;
        await PrometheusTools.SkipUnlessInstalledAsync(token);
        using var directory = new TempDirectory();
        using var certificates = TestCertificates.Create("logsidecar-injector");
        var caFile = certificates.WriteAuthorityPem(directory.File("ca.crt"));

        // The backend is down from the start; once back, it refuses every 50th line for good.
        await using var backend = new ElasticsearchBulkReceiver
        {
            ItemFaults = (_, document, _) => LineNumber(document) % DeadLetterEvery == 0
                ? new BulkItemFault(400, "mapper_parsing_exception", "failed to parse field [status] of type [long]")
                : null,
        };
        await backend.StartAsync();
        var backendEndpoint = backend.Endpoint;
        await backend.StopAsync();

        await using var cluster = await MonitoredPrograms.StartClusterAsync(directory, token);
        var (injector, injectorPort) = await MonitoredPrograms.StartInjectorAsync(directory, certificates, cluster);
        await using var injectorProcess = injector;
        var metricsPort = LoopbackPort.Free();
        var sidecarArgs = MonitoredPrograms.SidecarArguments(directory, backendEndpoint, metricsPort);
        await using var sidecar = ChildProcess.Start("logsidecar.dll", sidecarArgs, environment: MonitoredPrograms.PodEnvironment);
        await sidecar.WaitForErrorOutputAsync("Started:");
        await using var writer = LogWriterProcess.Start(directory.File("app.log"));

        await using var prometheus = await PrometheusServer.StartAsync(
            directory.File("prometheus"), Configuration(metricsPort, injectorPort, caFile), await TestRulesAsync(), token);
        var alerts = new AlertWatch(prometheus);
        await prometheus.WaitAsync(
            async () =>
            {
                var up = await prometheus.QueryAsync("up == 1", token);
                return (up.Count == 2, up.ToJsonString());
            },
            "Prometheus to scrape the sidecar and the injector",
            Limit,
            token);

        // Admission traffic: one pod injected, one skipped, one request the injector cannot read.
        using (var client = MonitoredPrograms.InjectorClient(injectorPort, certificates.Authority))
        {
            await AdmissionReviews.ReviewAsync(client, "/inject/namespace-enabled", AdmissionReviews.Request(Pod(optOut: false), MonitoredPrograms.PodNamespace));
            await AdmissionReviews.ReviewAsync(client, "/inject/namespace-enabled", AdmissionReviews.Request(Pod(optOut: true), MonitoredPrograms.PodNamespace, uid: "5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"));
            using var malformed = await AdmissionReviews.PostAsync(client, "/inject/opt-in", "this is not an AdmissionReview");
            Assert.Equal(400, (int)malformed.StatusCode);
        }

        // The controller leads (it took the Lease) and reports both pods: Events on them, and the gauges the alerts read.
        await alerts.WaitUntilFiringAsync(["LogSidecarPodsMissingSidecar", "LogSidecarPodsDrifted"], token);
        Assert.Contains(cluster.List("events", MonitoredPrograms.PodNamespace), e => (string?)e["reason"] == "LogSidecarMissing" && (string?)e["involvedObject"]!["name"] == MonitoredPrograms.MissingPod);
        Assert.Contains(cluster.List("events", MonitoredPrograms.PodNamespace), e => (string?)e["reason"] == "LogSidecarDrift" && (string?)e["involvedObject"]!["name"] == MonitoredPrograms.DriftedPod);

        // The app writes while the backend is down: lag grows, reading stops, every record fails to parse as JSON.
        await writer.WriteAsync(Lines);
        await alerts.WaitUntilFiringAsync(["LogSidecarSinkNotDelivering", "LogSidecarLagging", "LogSidecarParseErrors", "LogSidecarInjectorErrors"], token);

        // The backend comes back: everything arrives but the refused lines, which are dead-lettered.
        await backend.StartAsync();
        await backend.WaitUntilAsync(() => backend.Created == Lines - (Lines / DeadLetterEvery), "every line but the refused ones", Limit);
        await alerts.WaitUntilFiringAsync(["LogSidecarRecordsDeadLettered"], token);
        await alerts.WaitUntilNotFiringAsync("LogSidecarSinkNotDelivering", token);

        // The dead letters' series appeared with the first of them; the dashboard's rate of it needs two scrapes, which
        // the sidecar killed next must not cut short (the alert fires on one).
        await prometheus.WaitAsync(
            async () =>
            {
                var scraped = await prometheus.QueryAsync("count_over_time(logsidecar_sink_records_dead_lettered_total[10m]) >= 2", token);
                return (scraped.Count > 0, scraped.ToJsonString());
            },
            "two scrapes of the dead-letter series",
            Limit,
            token);

        // The sidecar is killed and starts again on the same port.
        await sidecar.KillAsync();
        await using var restarted = ChildProcess.Start("logsidecar.dll", sidecarArgs, environment: MonitoredPrograms.PodEnvironment);
        await restarted.WaitForErrorOutputAsync("Started:");
        await alerts.WaitUntilFiringAsync(["LogSidecarRestarting"], token);

        var failures = new List<string>();
        await CheckDashboardAsync(prometheus, failures, token);
        await CheckAlertExpressionsAsync(prometheus, failures, token);
        await CheckRuleHealthAsync(prometheus, failures, token);

        // Both programs stop answering.
        await injector.KillAsync();
        await restarted.KillAsync();
        await alerts.WaitUntilFiringAsync(["LogSidecarInjectorDown", "LogSidecarDown"], token);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var silent = (await MonitoringManifests.AlertsAsync()).Select(alert => alert.Name)
            .Where(name => !alerts.Fired.Contains(name) && !NotBroughtAbout.ContainsKey(name)).ToList();
        Assert.True(silent.Count == 0, $"alerts that never fired: {string.Join(", ", silent)}");
        foreach (var (alert, why) in NotBroughtAbout)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{alert} not brought about: {why}");
        }
    }

    /// <summary>Every panel query, with Grafana's variables set to "all" and a range covering the whole run, returns series with values.</summary>
    private static async Task CheckDashboardAsync(PrometheusServer prometheus, List<string> failures, CancellationToken token)
    {
        var dashboard = MonitoringManifests.Dashboard();
        foreach (var query in MonitoringManifests.PanelQueries(dashboard))
        {
            var expr = Grafana(query.Expr);
            var (error, result) = await prometheus.TryQueryAsync(expr, token);
            if (error is not null)
            {
                failures.Add($"panel {query.Panel} ({query.RefId}) does not evaluate: {error}");
            }
            else if (!result!.Any(series => double.IsFinite(Value(series!))))
            {
                failures.Add($"panel {query.Panel} ({query.RefId}) returns no series with a value: {expr} -> {result!.ToJsonString()}");
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(variable => (string?)variable!["type"] == "query"))
        {
            var definition = (string)variable!["definition"]!;
            var match = LabelValues().Match(definition);
            if (!match.Success)
            {
                failures.Add($"variable {(string?)variable["name"]}: {definition} is not label_values(selector, label)");
                continue;
            }

            var values = await prometheus.LabelValuesAsync(match.Groups["label"].Value, Grafana(match.Groups["selector"].Value), token);
            if (values.Count == 0)
            {
                failures.Add($"variable {(string?)variable["name"]}: {definition} offers no value");
            }
        }
    }

    /// <summary>
    /// Every alert expression evaluates, and every metric it reads had series during the run: at the end, series
    /// with a reason label are gone from the restarted sidecar until that reason recurs.
    /// </summary>
    private static async Task CheckAlertExpressionsAsync(PrometheusServer prometheus, List<string> failures, CancellationToken token)
    {
        foreach (var alert in await MonitoringManifests.AlertsAsync())
        {
            if ((await prometheus.TryQueryAsync(alert.Expr, token)).Error is { } error)
            {
                failures.Add($"alert {alert.Name} does not evaluate: {error}");
            }

            foreach (var selector in MonitoringManifests.Selectors(alert.Expr))
            {
                var found = await prometheus.QueryAsync($"count(last_over_time({selector}[10m]))", token);
                if (found.Count == 0)
                {
                    failures.Add($"alert {alert.Name} reads {selector}, which has no series");
                }
            }
        }
    }

    private static async Task CheckRuleHealthAsync(PrometheusServer prometheus, List<string> failures, CancellationToken token)
    {
        foreach (var rule in (await prometheus.RuleGroupsAsync(token)).SelectMany(group => group!["rules"]!.AsArray()))
        {
            if ((string?)rule!["health"] != "ok")
            {
                failures.Add($"rule {(string?)rule["name"]} is {(string?)rule["health"]}: {(string?)rule["lastError"]}");
            }
        }
    }

    /// <summary>The shipped rule groups with every for: shortened to 2 s; the expressions are untouched.</summary>
    private static async Task<JsonObject> TestRulesAsync()
    {
        var groups = (await MonitoringManifests.RuleGroupsAsync()).DeepClone().AsObject();
        foreach (var rule in groups["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).OfType<JsonObject>())
        {
            if (rule.ContainsKey("for"))
            {
                rule["for"] = "2s";
            }
        }

        return groups;
    }

    /// <summary>
    /// Scrapes every 2 s with a 2 s timeout (a 1 s timeout missed scrapes when CI's test runs load both cores,
    /// and a missed scrape hides the series the alerts read); targets carry the labels the Prometheus Operator gives them from the monitors.</summary>
    private static JsonObject Configuration(int metricsPort, int injectorPort, string caFile) => new()
    {
        ["global"] = new JsonObject { ["scrape_interval"] = "2s", ["scrape_timeout"] = "2s", ["evaluation_interval"] = "1s" },
        ["scrape_configs"] = new JsonArray(
            new JsonObject
            {
                ["job_name"] = "logsidecar",
                ["static_configs"] = new JsonArray(new JsonObject
                {
                    ["targets"] = new JsonArray($"127.0.0.1:{metricsPort}"),
                    ["labels"] = new JsonObject { ["namespace"] = MonitoredPrograms.PodNamespace, ["pod"] = MonitoredPrograms.PodName, ["container"] = "logsidecar", ["endpoint"] = "logsidecar-prom" },
                }),
            },
            new JsonObject
            {
                ["job_name"] = "logsidecar-injector",
                ["scheme"] = "https",
                ["honor_labels"] = true,
                ["tls_config"] = new JsonObject { ["ca_file"] = caFile },
                ["static_configs"] = new JsonArray(new JsonObject
                {
                    ["targets"] = new JsonArray($"127.0.0.1:{injectorPort}"),
                    ["labels"] = new JsonObject { ["namespace"] = MonitoredPrograms.InjectorNamespace, ["pod"] = "logsidecar-injector-0", ["service"] = "logsidecar-injector", ["endpoint"] = "https" },
                }),
            }),
    };

    private static JsonObject Pod(bool optOut) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = optOut ? "batch" : "web",
            ["namespace"] = MonitoredPrograms.PodNamespace,
            ["labels"] = optOut ? new JsonObject { ["logsidecar.io/inject"] = "false" } : new JsonObject { ["app"] = "web" },
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
    };

    private static long LineNumber(JsonObject document) =>
        long.Parse(LineNumberPattern().Match((string)document["message"]!).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>A panel query as Grafana sends it with every variable at "All" and a rate window covering the whole run.</summary>
    private static string Grafana(string expr) => expr
        .Replace("$__rate_interval", "10m", StringComparison.Ordinal)
        .Replace("$namespace", ".*", StringComparison.Ordinal)
        .Replace("$pod", ".*", StringComparison.Ordinal);

    // Prometheus writes NaN, +Inf and -Inf as such; none of them is a finite value.
    private static double Value(JsonNode series) =>
        double.TryParse((string)series["value"]![1]!, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    [GeneratedRegex(@"^line (\d{8}) ")]
    private static partial Regex LineNumberPattern();

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>\w+)\)$")]
    private static partial Regex LabelValues();
}
