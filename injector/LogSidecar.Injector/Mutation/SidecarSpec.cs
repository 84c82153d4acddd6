namespace LogSidecar.Injector.Mutation;

/// <summary>Everything that shapes the sidecar container of one pod.</summary>
internal sealed record SidecarSpec
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    public required string ImagePullPolicy { get; init; }

    public required string ConfigJson { get; init; }

    public required string VolumeName { get; init; }

    public required string MountPath { get; init; }

    public required string Cpu { get; init; }

    public required string Memory { get; init; }

    public required bool Native { get; init; }

    public required int MetricsPort { get; init; }

    /// <summary>The address /metrics, /healthz and /readyz bind: the startup probe goes there when it is a loopback address.</summary>
    public required string MetricsAddress { get; init; }

    /// <summary>Name of the declared metrics port; null when a container of the pod already uses the name.</summary>
    public string? MetricsPortName { get; init; }

    /// <summary>On hostNetwork pods the declared port is also the host port, as Kubernetes requires there.</summary>
    public required bool HostNetwork { get; init; }

    /// <summary>The empty volume mounted read-only over the service-account token path.</summary>
    public required string TokenShadowVolume { get; init; }

    /// <summary>The app container whose logs these are (<c>CONTAINER_NAME</c>); null when several share the volume.</summary>
    public string? AppContainer { get; init; }

    /// <summary>Volume name of the mounted credentials Secret, when one is set.</summary>
    public string? CredentialsVolume { get; init; }
}
