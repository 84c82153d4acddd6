using System.Diagnostics;
using LogSidecar.Tests.Shipping.Elasticsearch;
using LogSidecar.Tests.Shipping.Receivers;

namespace LogSidecar.Tests.Shipping;

/// <summary>A shipping sink's series on the real sidecar's /metrics, checked with Prometheus' own promtool.</summary>
public class SinkMetricsTests
{
    // An error type as a hostile or buggy backend may name it: a quote, a backslash, a newline.
    private const string HostileType = "bad\"type\\with\nnewline";

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
    public async Task ErrorTypesFromTheBackendAreEscapedSoTheExpositionStaysValid()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(10);
        await using var receiver = new ElasticsearchBulkReceiver { ItemFaults = (_, _, _) => new BulkItemFault(400, HostileType, "refused") };
        await receiver.StartAsync();
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), flags: endpoint.Flags);
        const string series = "logsidecar_sink_records_dead_lettered_total{sink=\"elasticsearch\",reason=\"bad\\\"type\\\\with\\nnewline\"}";
        var metrics = await endpoint.WaitUntilAsync(m => MetricsEndpoint.Value(m, series) == 10, "the escaped series", sidecar.Process);

        var (exitCode, output) = await PromtoolCheckMetricsAsync(metrics);
        Assert.True(exitCode == 0, $"promtool check metrics ({exitCode}): {output}");
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
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
