namespace LogSidecar.Contracts.Configuration;

/// <summary>The coordination.k8s.io Lease of the Events source: one replica ships, the others stand by.</summary>
public sealed record EventsLeaseConfig
{
    /// <summary>Name of the Lease.</summary>
    public string Name { get; set; } = "logsidecar-events";

    /// <summary>Namespace of the Lease; null: the pod's own (the POD_NAMESPACE variable, set by the downward API).</summary>
    public string? Namespace { get; set; }

    /// <summary>Who this replica is in the Lease; null: the POD_NAME variable, else the host name.</summary>
    public string? Identity { get; set; }

    /// <summary>Seconds without renewal after which a standby takes over.</summary>
    public int DurationSeconds { get; set; } = 15;
}
