namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Cluster defaults that pod annotations override, built by <c>InjectorOptions.ToAnnotationDefaults</c>:
/// the default values themselves live only in the injector's options.
/// </summary>
internal sealed record AnnotationDefaults
{
    /// <summary>Where the shared volume appears in app containers and in the sidecar.</summary>
    public required string MountPath { get; init; }

    /// <summary>Sidecar CPU request.</summary>
    public required string Cpu { get; init; }

    /// <summary>Sidecar memory request and limit.</summary>
    public required string Memory { get; init; }

    /// <summary>Largest CPU request an annotation may ask for.</summary>
    public required string MaxCpu { get; init; }

    /// <summary>Largest memory an annotation may ask for.</summary>
    public required string MaxMemory { get; init; }

    /// <summary>Image globs (<c>*</c> matches any run of characters) a pod may pick with <c>logsidecar.io/image</c>.</summary>
    public required IReadOnlyList<string> AllowedImages { get; init; }
}
