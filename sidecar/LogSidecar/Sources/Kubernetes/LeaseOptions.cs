namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// Leader election over a coordination.k8s.io/v1 Lease, with client-go's defaults: a leader that has not renewed
/// for <see cref="Duration"/> (15 s) is taken over; the leader renews every <see cref="RetryPeriod"/> (2 s) and
/// steps down when it could not renew for <see cref="RenewDeadline"/> (10 s), before anyone may take over.
/// </summary>
internal sealed record LeaseOptions(string Namespace, string Name, string Identity)
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public string Path => $"/apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(Namespace)}/leases/{Uri.EscapeDataString(Name)}";

    public string CollectionPath => $"/apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(Namespace)}/leases";
}
