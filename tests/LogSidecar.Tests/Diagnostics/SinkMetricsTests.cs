using System.Diagnostics;
using System.Text;
using LogSidecar.Diagnostics;
using LogSidecar.Tests.Sinks;
using LogSidecar.Tests.Sinks.Elasticsearch;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Diagnostics;

/// <summary>A shipping sink's series, rendered and on the real sidecar's /metrics, checked with Prometheus' own promtool.</summary>
public class SinkMetricsTests
{
    // An error type as a hostile or buggy backend may name it: a quote, a backslash, a newline.
    private const string HostileType = "Bad\"type\\with\nnewline";

    [Fact]
    public async Task TheBacklogGoesBackToZeroOnceEveryRecordIsDeliveredOrDeadLettered()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        await using var receiver = new ElasticsearchBulkReceiver
        {
            ItemFaults = (_, document, _) => ElasticsearchShippingTests.LineNumber(document) % 10 == 0 ? new BulkItemFault(400, "mapper_parsing_exception", "no") : null,
        };
        await receiver.StartAsync();
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), flags: endpoint.Flags);
        var settled = await endpoint.WaitUntilAsync(
            m => MetricsEndpoint.Value(m, "logsidecar_sink_records_delivered_total{sink=\"elasticsearch\"}") == 900
                && MetricsEndpoint.Value(m, "logsidecar_sink_records_dead_lettered_total{sink=\"elasticsearch\",reason=\"mapper_parsing_exception\"}") == 100,
            "every record settled",
            sidecar.Process);

        Assert.Equal(0, MetricsEndpoint.Value(settled, "logsidecar_sink_backlog_records{sink=\"elasticsearch\"}"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }

    [Fact]
    public async Task ErrorTypesFromTheBackendBecomeSafeLabelsSoTheExpositionStaysValid()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(10);
        await using var receiver = new ElasticsearchBulkReceiver { ItemFaults = (_, _, _) => new BulkItemFault(400, HostileType, "refused") };
        await receiver.StartAsync();
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), flags: endpoint.Flags);
        const string series = "logsidecar_sink_records_dead_lettered_total{sink=\"elasticsearch\",reason=\"bad_type_with_newline\"}";
        var metrics = await endpoint.WaitUntilAsync(m => MetricsEndpoint.Value(m, series) == 10, "the reason as a safe label", sidecar.Process);

        var (exitCode, output) = await PromtoolCheckMetricsAsync(metrics);
        Assert.True(exitCode == 0, $"promtool check metrics ({exitCode}): {output}");
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }

    [Fact]
    public void DeliveryLatencyIsAHistogramWithCumulativeBucketsSumAndCount()
    {
        var metrics = new SinkMetrics("es");
        metrics.Delivered(10, TimeSpan.FromMilliseconds(300));
        metrics.Delivered(5, TimeSpan.FromSeconds(45));
        metrics.Delivered(1, TimeSpan.FromMinutes(20));

        var text = Render(metrics);

        Assert.Contains("# TYPE logsidecar_sink_delivery_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"0.25\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"0.5\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"30\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"60\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"600\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_bucket{sink=\"es\",le=\"+Inf\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_sum{sink=\"es\"} 1245.3\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_delivery_seconds_count{sink=\"es\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_records_delivered_total{sink=\"es\"} 16\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AReasonNamedByTheBackendBecomesALabelThatCannotBreakTheTextFormat()
    {
        var metrics = new SinkMetrics("es");
        metrics.DeadLettered("mapper_parsing_exception", 2);
        metrics.DeadLettered("Weird \"type\"\nfrom a proxy\\", 1);
        metrics.DeadLettered(new string('x', 500), 1);

        var text = Render(metrics);

        Assert.Contains("logsidecar_sink_records_dead_lettered_total{sink=\"es\",reason=\"mapper_parsing_exception\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_sink_records_dead_lettered_total{sink=\"es\",reason=\"weird__type__from_a_proxy_\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains($"logsidecar_sink_records_dead_lettered_total{{sink=\"es\",reason=\"{new string('x', 64)}\"}} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReasonsBeyondTheCapAreCountedTogetherAsOther()
    {
        var metrics = new SinkMetrics("es");
        for (var i = 0; i < 40; i++)
        {
            metrics.Retried($"type_{i}", 2);
        }

        metrics.Retried("type_0", 1);

        var lines = Render(metrics).Split('\n').Where(line => line.StartsWith("logsidecar_sink_records_retried_total{", StringComparison.Ordinal)).ToList();

        Assert.Equal(33, lines.Count);
        Assert.Contains("logsidecar_sink_records_retried_total{sink=\"es\",reason=\"type_0\"} 3", lines);
        Assert.Contains("logsidecar_sink_records_retried_total{sink=\"es\",reason=\"other\"} 16", lines);
    }

    private static string Render(params SinkMetrics[] sinks)
    {
        var text = new StringBuilder();
        SinkMetrics.Render(text, sinks);
        return text.ToString();
    }

    /// <summary>Runs <c>promtool check metrics</c> (Debian package prometheus) on the text: it parses the exposition format and lints it.</summary>
    internal static async Task<(int ExitCode, string Output)> PromtoolCheckMetricsAsync(string metrics)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(start)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = promtool.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await promtool.StandardInput.WriteAsync(metrics);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (promtool.ExitCode, await stdout + await stderr);
    }
}
