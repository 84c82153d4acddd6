namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Kubernetes Events, watched through the API and delivered as the stream <see cref="Stream"/> (JSON records,
/// one per occurrence). Defaults are documented in the README.
/// </summary>
public sealed record EventsSourceConfig
{
    public const string DefaultStream = "k8s-events";

    /// <summary>Namespaces to watch; empty watches every namespace (the role then needs a ClusterRole).</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>On the very first start (no checkpoint), events last seen longer ago than this are not shipped. Kubernetes keeps events one hour by default.</summary>
    public int MaxEventAgeSeconds { get; set; } = 3600;

    /// <summary>The kubeconfig to use; null: in-cluster credentials in a pod, else KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The Lease that elects one shipper among replicas and keeps the checkpoint; null: no election, and the checkpoint lives only as long as the process.</summary>
    public EventsLeaseConfig? Lease { get; set; }

    /// <summary>Name of the stream the events are delivered as.</summary>
    public string Stream { get; set; } = DefaultStream;

    /// <summary>stdout, ship or both; null takes the top-level mode.</summary>
    public string? Mode { get; set; }

    /// <summary>Name of the sink the events ship to; may be left out when there is exactly one sink.</summary>
    public string? Sink { get; set; }

    /// <summary>The stream that delivers the events: no files, JSON records.</summary>
    public StreamConfig ToStream() => new()
    {
        Name = Stream,
        Paths = [],
        Format = RecordFormats.Json,
        Mode = Mode,
        Sink = Sink,
    };
}
