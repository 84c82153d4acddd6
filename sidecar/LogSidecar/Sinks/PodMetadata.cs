namespace LogSidecar.Sinks;

/// <summary>
/// Pod facts from the downward-API environment variables the injector sets; the sidecar needs no
/// Kubernetes API access. Unset variables are left out of records.
/// </summary>
internal sealed record PodMetadata(string? PodName, string? Namespace, string? PodUid, string? NodeName, string? ContainerName)
{
    public bool IsEmpty => PodName is null && Namespace is null && PodUid is null && NodeName is null && ContainerName is null;

    public static PodMetadata FromEnvironment() => new(
        Get("POD_NAME"), Get("POD_NAMESPACE"), Get("POD_UID"), Get("NODE_NAME"), Get("CONTAINER_NAME"));

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
