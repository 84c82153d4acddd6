namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Cluster log sources besides the tailed streams. Each source turns into one stream of the
/// ordinary pipeline, so it is delivered and counted like files are.
/// </summary>
public sealed record SourcesConfig
{
    /// <summary>The API server's audit webhook backend (batch mode); null when not served.</summary>
    public AuditSourceConfig? Audit { get; set; }

    /// <summary>Kubernetes Events watched through the API; null when not watched.</summary>
    public EventsSourceConfig? Events { get; set; }
}
