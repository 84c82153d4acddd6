using System.Text;
using LogSidecar.Shipping;

namespace LogSidecar.Tests.Shipping;

public class SinkMetricsTests
{
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
}
