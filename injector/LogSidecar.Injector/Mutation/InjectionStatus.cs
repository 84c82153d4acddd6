namespace LogSidecar.Injector.Mutation;

/// <summary>The <c>logsidecar.io/status</c> annotation: marks the pod as injected and says what was done.</summary>
internal sealed record InjectionStatus
{
    public required string Version { get; init; }

    /// <summary>SHA-256 (128 bits, <c>sha256:</c> and hex) of what the injection added; see <see cref="Mutation.ConfigHash"/>.</summary>
    public required string ConfigHash { get; init; }

    public required string Container { get; init; }

    public required string Volume { get; init; }

    public required bool Native { get; init; }

    public required string MountPath { get; init; }

    /// <summary>App containers that got the mount.</summary>
    public required IReadOnlyList<string> Containers { get; init; }

    public required IReadOnlyList<string> Applied { get; init; }

    public required IReadOnlyList<string> Ignored { get; init; }

    /// <summary>
    /// Where each applied value came from: <c>pod</c> or <c>namespace</c>; the keys the injector's configuration
    /// gives a value for (mount path, cpu, memory, native, image) are listed as <c>default</c> when neither set them.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Sources { get; init; }

    /// <summary>Port of the sidecar's /metrics, /healthz and /readyz (declared on the sidecar container).</summary>
    public required int MetricsPort { get; init; }

    /// <summary>Address that endpoint binds: 0.0.0.0 on ordinary pods, 127.0.0.1 on hostNetwork pods unless asked otherwise.</summary>
    public required string MetricsAddress { get; init; }
}
