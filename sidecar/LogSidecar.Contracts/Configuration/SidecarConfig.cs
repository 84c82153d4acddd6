namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// The whole sidecar configuration, as read from <c>--config</c>, from <c>LOGSIDECAR_CONFIG</c>
/// (rendered by the injector) or built from command-line flags. Every default is documented in the README.
/// </summary>
public sealed record SidecarConfig
{
    /// <summary>The log streams to tail; at least one, unless a source is configured.</summary>
    public List<StreamConfig> Streams { get; set; } = [];

    /// <summary>Cluster log sources (the audit webhook), each delivered as one more stream; null when none (and left out of the JSON the injector renders).</summary>
    public SourcesConfig? Sources { get; set; }

    /// <summary>Where checkpoints are kept. Default: <c>.logsidecar</c> under the first stream's base directory.</summary>
    public string? CheckpointDir { get; set; }

    /// <summary>How often acknowledged offsets are persisted.</summary>
    public int CheckpointIntervalMs { get; set; } = 1000;

    public TailingConfig Tailing { get; set; } = new();

    public OutputConfig Output { get; set; } = new();

    /// <summary>Where records of streams that do not set their own mode go: stdout, ship or both.</summary>
    public string Mode { get; set; } = DeliveryModes.Stdout;

    /// <summary>Backends for streams whose mode is ship or both.</summary>
    public List<SinkConfig> Sinks { get; set; } = [];

    public MetricsConfig Metrics { get; set; } = new();

    /// <summary>How long a graceful shutdown may take to drain every file before the process gives up.</summary>
    public int ShutdownBudgetSeconds { get; set; } = 20;

    /// <summary>Minimum level of the sidecar's own diagnostics on stderr: debug, info, warn, error.</summary>
    public string LogLevel { get; set; } = "info";
}
