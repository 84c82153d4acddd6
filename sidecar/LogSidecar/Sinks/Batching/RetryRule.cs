namespace LogSidecar.Sinks.Batching;

/// <summary>Which HTTP statuses a backend documents as worth retrying.</summary>
internal enum RetryRule
{
    /// <summary>429 and every 5xx (Elasticsearch, OpenSearch, Loki).</summary>
    TooManyRequestsAndServerErrors,

    /// <summary>429, 502, 503 and 504 only (the OTLP/HTTP specification).</summary>
    Otlp,
}
