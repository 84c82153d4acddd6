using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Sinks;

/// <summary>
/// Pod facts from the downward-API environment variables the injector sets; the sidecar needs no
/// Kubernetes API access. Unset variables are left out of records. A stream bound to an app container
/// (<see cref="StreamConfig.Container"/>) carries that container's name instead of <c>CONTAINER_NAME</c>.
/// </summary>
internal sealed record PodMetadata(string? PodName, string? Namespace, string? PodUid, string? NodeName, string? ContainerName)
{
    private static readonly Dictionary<string, string> NoStreamContainers = new(StringComparer.Ordinal);

    /// <summary>The container of each stream that names one, by stream name.</summary>
    public IReadOnlyDictionary<string, string> StreamContainers { get; init; } = NoStreamContainers;

    public bool IsEmpty => PodName is null && Namespace is null && PodUid is null && NodeName is null && ContainerName is null;

    public static PodMetadata FromEnvironment(IEnumerable<StreamConfig> streams) => new(
        Get("POD_NAME"), Get("POD_NAMESPACE"), Get("POD_UID"), Get("NODE_NAME"), Get("CONTAINER_NAME"))
    {
        StreamContainers = streams.Where(s => s.Container is not null).ToDictionary(s => s.Name, s => s.Container!, StringComparer.Ordinal),
    };

    /// <summary>The facts the records of <paramref name="stream"/> carry: its own container, else <c>CONTAINER_NAME</c>.</summary>
    public PodMetadata For(string stream) =>
        StreamContainers.TryGetValue(stream, out var container) ? this with { ContainerName = container, StreamContainers = NoStreamContainers } : this;

    private static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
