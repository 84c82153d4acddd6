namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// A backend that streams with mode <c>ship</c> or <c>both</c> deliver to. Credentials are files in
/// <see cref="CredentialsDir"/> (a mounted Secret), never values in this configuration.
/// </summary>
public sealed record SinkConfig
{
    /// <summary>Name that streams refer to with <see cref="StreamConfig.Sink"/>; defaults to the type.</summary>
    public string? Name { get; set; }

    /// <summary>elasticsearch, opensearch, loki or otlp.</summary>
    public string Type { get; set; } = "";

    /// <summary>Base URL of the backend, such as https://elasticsearch.logging:9200, http://loki.logging:3100 or http://otel-collector:4318.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Elasticsearch/OpenSearch index or data stream; <c>%Y</c>, <c>%m</c>, <c>%d</c>, <c>%H</c> take the record's UTC time.</summary>
    public string Index { get; set; } = "logsidecar-%Y.%m.%d";

    /// <summary>Directory of credential files: <c>username</c> + <c>password</c>, <c>api-key</c> or <c>token</c>; re-read when they change.</summary>
    public string? CredentialsDir { get; set; }

    /// <summary>PEM file of the CA that signed the backend's certificate, when it is not in the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Request body compression: gzip or none; for Loki also snappy, which sends the push as protobuf.</summary>
    public string Compression { get; set; } = SinkCompressions.Gzip;

    /// <summary>Loki stream labels taken from each record: any of namespace, pod, container, node, stream, file. Never per-line values.</summary>
    public List<string> Labels { get; set; } = ["namespace", "pod", "container", "stream"];

    /// <summary>Loki tenant, sent as <c>X-Scope-OrgID</c> to a multi-tenant Loki (auth_enabled); none by default.</summary>
    public string? Tenant { get; set; }

    /// <summary>Most records in one request.</summary>
    public int MaxBatchRecords { get; set; } = 5000;

    /// <summary>Most encoded bytes in one request (before compression).</summary>
    public int MaxBatchBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a batch that is not full waits for more records before it is sent.</summary>
    public int FlushIntervalMs { get; set; } = 1000;

    /// <summary>Time limit of one request; a request that takes longer is retried.</summary>
    public int TimeoutMs { get; set; } = 30_000;

    /// <summary>First retry delay; it doubles with each failed attempt, with jitter, up to <see cref="RetryMaxMs"/>.</summary>
    public int RetryInitialMs { get; set; } = 500;

    /// <summary>Longest retry delay. Transient failures are retried without end: the files are the buffer.</summary>
    public int RetryMaxMs { get; set; } = 30_000;
}
