namespace LogSidecar.Contracts.Configuration;

/// <summary>How records are written to stdout.</summary>
public sealed record OutputConfig
{
    /// <summary>json (one JSON object per record) or raw (the line as read).</summary>
    public string Format { get; set; } = OutputFormats.Json;

    /// <summary>What to do with a record whose JSON line exceeds <see cref="MaxRecordBytes"/>: split or truncate.</summary>
    public string Oversize { get; set; } = OversizePolicies.Split;

    /// <summary>Longest line written to stdout; container runtimes split lines at 16 KiB.</summary>
    public int MaxRecordBytes { get; set; } = 16 * 1024;
}
