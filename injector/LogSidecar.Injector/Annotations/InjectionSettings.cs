using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Annotations;

/// <summary>What the annotations ask for, validated, with defaults filled in.</summary>
internal sealed record InjectionSettings
{
    /// <summary>The sidecar configuration to render into <c>LOGSIDECAR_CONFIG</c>.</summary>
    public required SidecarConfig Config { get; init; }

    /// <summary>Absolute, normalized mount path of the shared volume.</summary>
    public required string MountPath { get; init; }

    /// <summary>App containers that get the mount; null means all.</summary>
    public IReadOnlyList<string>? Containers { get; init; }

    /// <summary>CPU request as a Kubernetes quantity.</summary>
    public required string Cpu { get; init; }

    /// <summary>Memory request and limit as a Kubernetes quantity.</summary>
    public required string Memory { get; init; }

    /// <summary>Per-pod native-sidecar override; null means the injector's default.</summary>
    public bool? Native { get; init; }

    /// <summary>Per-pod image override that matched the allow-list.</summary>
    public string? Image { get; init; }

    /// <summary>Name of the Secret with backend credentials, mounted read-only into the sidecar.</summary>
    public string? Secret { get; init; }

    /// <summary>Port of /metrics, /healthz and /readyz asked for with <c>logsidecar.io/metrics-port</c>; null picks a free one.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Address of that endpoint asked for with <c>logsidecar.io/metrics-address</c>; null means the pod's default.</summary>
    public string? MetricsAddress { get; init; }
}
