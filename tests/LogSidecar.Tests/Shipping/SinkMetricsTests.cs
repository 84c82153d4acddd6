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

    private static string Render(params SinkMetrics[] sinks)
    {
        var text = new StringBuilder();
        SinkMetrics.Render(text, sinks);
        return text.ToString();
    }
}
