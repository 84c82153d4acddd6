namespace LogSidecar.Injector.Configuration;

/// <summary>
/// The controller of <c>serve</c> (<c>controller</c> in the configuration): one replica at a time, chosen by a Lease,
/// watches the pods that opted in and reports those that miss their sidecar or drifted; with <see cref="Repair"/> (or a
/// namespace annotated <c>logsidecar.io/repair: "true"</c>) it restarts their Deployments, StatefulSets and DaemonSets.
/// </summary>
internal sealed record ControllerOptions
{
    /// <summary>Whether <c>serve</c> runs the controller (RBAC: list/watch pods, create events, leases in its namespace).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Restart the workloads of missing or drifted pods in every namespace that does not say <c>logsidecar.io/repair: "false"</c>. Off by default.</summary>
    public bool Repair { get; set; }

    /// <summary>A workload is restarted at most once in this many minutes, whatever its pods do.</summary>
    public int RestartIntervalMinutes { get; set; } = 60;

    /// <summary>Restarts of all workloads together in any hour; beyond it, the rest wait (and are logged).</summary>
    public int MaxRestartsPerHour { get; set; } = 10;

    /// <summary>
    /// The Service the MutatingWebhookConfiguration sends admission requests to, in the injector's namespace; null means
    /// <see cref="SelfSignedOptions.ServiceName"/> (<c>logsidecar-injector</c>). Repair restarts a workload only while
    /// this Service has a ready endpoint (its EndpointSlices: RBAC list/watch endpointslices in the injector's
    /// namespace), so the replacement pods are admitted by a webhook that answers.
    /// </summary>
    public string? WebhookServiceName { get; set; }

    /// <summary>
    /// The MutatingWebhookConfiguration calls the webhook by <c>clientConfig.url</c>, not through a Service: there are
    /// no EndpointSlices to wait for, so repair restarts workloads without knowing whether the webhook answers (a
    /// restart while it is down has its pods admitted without the sidecar again). Off by default.
    /// </summary>
    public bool WebhookByUrl { get; set; }

    /// <summary>Lease (coordination.k8s.io/v1) in the injector's namespace that elects the one replica that acts.</summary>
    public string LeaseName { get; set; } = "logsidecar-injector-controller";

    /// <summary>How long a lease holds without renewal before another replica may take it (client-go's default).</summary>
    public int LeaseDurationSeconds { get; set; } = 15;

    /// <summary>The leader steps down when it could not renew for this long (less than the lease duration).</summary>
    public int RenewDeadlineSeconds { get; set; } = 10;

    /// <summary>How often the leader renews and the others try to acquire.</summary>
    public int RetryPeriodSeconds { get; set; } = 2;
}
