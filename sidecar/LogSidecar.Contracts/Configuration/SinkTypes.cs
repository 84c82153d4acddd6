namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SinkConfig.Type"/>.</summary>
public static class SinkTypes
{
    public const string Elasticsearch = "elasticsearch";
    public const string OpenSearch = "opensearch";
    public const string Loki = "loki";
    public const string Otlp = "otlp";
    public static readonly IReadOnlyList<string> All = [Elasticsearch, OpenSearch, Loki, Otlp];

    /// <summary>Sinks that write into a named index.</summary>
    public static bool HasIndex(string type) => type is Elasticsearch or OpenSearch;
}
