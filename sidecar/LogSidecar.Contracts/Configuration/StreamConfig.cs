namespace LogSidecar.Contracts.Configuration;

/// <summary>One log stream: a set of files that share a name (and, later, a format).</summary>
public sealed record StreamConfig
{
    /// <summary>Stream name written into every record; DNS-label-like.</summary>
    public string Name { get; set; } = "";

    /// <summary>Absolute path globs: <c>*</c>, <c>?</c> within a path segment, <c>**</c> across segments.</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>Globs of files to leave alone: matched against the whole path, or the file name when they have no <c>/</c>.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Where to start in files that exist at the very first start (no checkpoint yet): head or tail.</summary>
    public string StartAt { get; set; } = StartPositions.Head;
}
