using LogSidecar.Injector.Diagnostics;

namespace LogSidecar.Injector.Tests.Diagnostics;

public class InjectorMetricsTests
{
    [Fact]
    public void ASlowAnswerFallsInTheBucketOfItsDurationUpToTheWebhookTimeout()
    {
        var metrics = new InjectorMetrics();
        metrics.Record("opt-in", "injected", "none", TimeSpan.FromMilliseconds(3));
        metrics.Record("opt-in", "injected", "none", TimeSpan.FromSeconds(3));

        var text = metrics.Render();

        Assert.Contains("logsidecar_injector_request_duration_seconds_bucket{le=\"1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_request_duration_seconds_bucket{le=\"2.5\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_request_duration_seconds_bucket{le=\"5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_request_duration_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_requests_total{webhook=\"opt-in\",result=\"injected\",reason=\"none\"} 2\n", text, StringComparison.Ordinal);
    }
}
