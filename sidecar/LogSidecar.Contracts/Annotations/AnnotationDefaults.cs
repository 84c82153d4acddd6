namespace LogSidecar.Contracts.Annotations;

/// <summary>Cluster defaults (from the injector's configuration) that pod annotations override.</summary>
public sealed record AnnotationDefaults
{
    /// <summary>Where the shared volume appears in app containers and in the sidecar.</summary>
    public string MountPath { get; init; } = "/var/log/app";

    /// <summary>Sidecar CPU request.</summary>
    public string Cpu { get; init; } = "50m";

    /// <summary>Sidecar memory request and limit.</summary>
    public string Memory { get; init; } = "64Mi";

    /// <summary>Largest CPU request an annotation may ask for.</summary>
    public string MaxCpu { get; init; } = "1";

    /// <summary>Largest memory an annotation may ask for.</summary>
    public string MaxMemory { get; init; } = "1Gi";

    /// <summary>Smallest memory an annotation may ask for: below it the sidecar cannot start.</summary>
    public string MinMemory { get; init; } = "16Mi";

    /// <summary>Image globs (<c>*</c> matches any run of characters) a pod may pick with <c>logsidecar.io/image</c>.</summary>
    public IReadOnlyList<string> AllowedImages { get; init; } = [];
}
