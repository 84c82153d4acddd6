namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>Follows a Prometheus server's alerts and remembers every one that has fired.</summary>
public sealed class AlertWatch(PrometheusServer prometheus)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private readonly HashSet<string> _fired = new(StringComparer.Ordinal);

    /// <summary>Every alert seen firing so far.</summary>
    public IReadOnlySet<string> Fired => _fired;

    public Task WaitUntilFiringAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        prometheus.WaitAsync(
            async () =>
            {
                var firing = await FiringAsync(cancellationToken);
                var done = names.All(firing.Contains);
                return (done, done ? string.Empty : $"firing: {string.Join(", ", firing)}\ntargets:\n{await prometheus.TargetHealthAsync(cancellationToken)}\nPrometheus:\n{prometheus.Log}");
            },
            $"alerts {string.Join(", ", names)} to fire",
            Limit,
            cancellationToken);

    public Task WaitUntilNotFiringAsync(string name, CancellationToken cancellationToken) =>
        prometheus.WaitAsync(
            async () =>
            {
                var firing = await FiringAsync(cancellationToken);
                return (!firing.Contains(name), $"firing: {string.Join(", ", firing)}");
            },
            $"alert {name} to stop firing",
            Limit,
            cancellationToken);

    private async Task<HashSet<string>> FiringAsync(CancellationToken cancellationToken)
    {
        var firing = (await prometheus.AlertsAsync(cancellationToken))
            .Where(alert => (string?)alert!["state"] == "firing")
            .Select(alert => (string)alert!["labels"]!["alertname"]!)
            .ToHashSet(StringComparer.Ordinal);
        _fired.UnionWith(firing);
        return firing;
    }
}
