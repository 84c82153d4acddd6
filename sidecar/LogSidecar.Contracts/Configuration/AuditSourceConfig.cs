namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// An HTTPS endpoint for the API server's audit webhook backend: each <c>audit.k8s.io/v1</c>
/// EventList it accepts is spooled durably, then tailed as the stream <see cref="Stream"/> with the
/// <c>k8s-audit</c> format. Defaults are documented in the README.
/// </summary>
public sealed record AuditSourceConfig
{
    public const string DefaultStream = "audit";
    public const long DefaultSpoolMaxBytes = 256L * 1024 * 1024;

    /// <summary>Names of the spool files in <see cref="SpoolDir"/>; the stream tails exactly these.</summary>
    public const string SpoolFilePattern = "audit-*.jsonl";

    /// <summary>Address and port to listen on, such as <c>0.0.0.0:8443</c> or <c>[::]:8443</c>.</summary>
    public string Listen { get; set; } = "0.0.0.0:8443";

    /// <summary>PEM file with the server certificate (and its intermediates); reloaded when it changes.</summary>
    public string? TlsCert { get; set; }

    /// <summary>PEM file with the server certificate's private key; reloaded when it changes.</summary>
    public string? TlsKey { get; set; }

    /// <summary>PEM file with the CA(s) whose client certificates are accepted; reloaded when it changes.</summary>
    public string? ClientCa { get; set; }

    /// <summary>File holding the bearer token clients may send instead of a certificate; reloaded when it changes.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Directory of the spool files (in the pod's volume); required.</summary>
    public string? SpoolDir { get; set; }

    /// <summary>Bytes the spool may hold before new batches are answered 429.</summary>
    public long SpoolMaxBytes { get; set; } = DefaultSpoolMaxBytes;

    /// <summary>Size at which the spool file being written is closed and a new one started.</summary>
    public int SpoolFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest request body accepted; larger ones are answered 413.</summary>
    public int MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Seconds a client is told to wait (Retry-After) when the spool is full.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>How often the certificate, key, CA and token files are checked for changes.</summary>
    public int ReloadIntervalMs { get; set; } = 5000;

    /// <summary>Name of the stream the spooled events are delivered as.</summary>
    public string Stream { get; set; } = DefaultStream;

    /// <summary>stdout, ship or both; null takes the top-level mode.</summary>
    public string? Mode { get; set; }

    /// <summary>Name of the sink the events ship to; may be left out when there is exactly one sink.</summary>
    public string? Sink { get; set; }

    /// <summary>The stream that delivers the spooled events: the spool files, read with the <c>k8s-audit</c> format.</summary>
    public StreamConfig ToStream() => new()
    {
        Name = Stream,
        Paths = [Path.Combine(SpoolDir ?? "", SpoolFilePattern)],
        Format = RecordFormats.KubernetesAudit,
        StartAt = StartPositions.Head,
        Mode = Mode,
        Sink = Sink,
    };
}
