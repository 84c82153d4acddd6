namespace LogSidecar.Contracts.Configuration;

/// <summary>One log stream: a set of files that share a name (and, later, a format).</summary>
public sealed record StreamConfig
{
    /// <summary>
    /// The stream's name when none is given: the sidecar's <c>--path</c> stream and the injector's
    /// <c>logsidecar.io/paths</c> stream share it, so a record names its stream the same either way.
    /// </summary>
    public const string DefaultName = "app";

    /// <summary>Stream name written into every record; DNS-label-like.</summary>
    public string Name { get; set; } = "";

    /// <summary>Absolute path globs: <c>*</c>, <c>?</c> within a path segment, <c>**</c> across segments.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>Globs of files to leave alone: matched against the whole path, or the file name when they have no <c>/</c>.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Where to start in files that exist at the very first start (no checkpoint yet): head or tail.</summary>
    public string StartAt { get; set; } = StartPositions.Head;

    /// <summary>How each record is parsed: plain, json, logfmt, regex, klog or k8s-audit.</summary>
    public string Format { get; set; } = RecordFormats.Plain;

    /// <summary>For <c>format: regex</c>: a .NET regex whose named groups become fields (time, level, message are recognised).</summary>
    public string? Regex { get; set; }

    /// <summary>Timestamp layouts tried in order; empty means automatic (RFC 3339/ISO 8601, epoch, common layouts).</summary>
    public List<string> TimeFormats { get; set; } = [];

    /// <summary>Keys holding the record's time in json and logfmt records; empty means the built-in list.</summary>
    public List<string> TimeKeys { get; set; } = [];

    /// <summary>Keys holding the severity in json and logfmt records; empty means the built-in list.</summary>
    public List<string> LevelKeys { get; set; } = [];

    /// <summary>Keys holding the message in json and logfmt records; empty means the built-in list.</summary>
    public List<string> MessageKeys { get; set; } = [];

    /// <summary>Joining of physical lines into one record (stack traces); null means one line, one record.</summary>
    public MultilineConfig? Multiline { get; set; }

    /// <summary>stdout, ship or both; null takes the top-level mode.</summary>
    public string? Mode { get; set; }

    /// <summary>Name of the sink this stream ships to; may be left out when there is exactly one sink.</summary>
    public string? Sink { get; set; }

    /// <summary>
    /// The app container that writes these files: records carry it as their container name (stdout
    /// <c>kubernetes.container_name</c>, the Loki <c>container</c> label, OTLP <c>k8s.container.name</c>);
    /// null takes the <c>CONTAINER_NAME</c> environment variable.
    /// </summary>
    public string? Container { get; set; }
}
