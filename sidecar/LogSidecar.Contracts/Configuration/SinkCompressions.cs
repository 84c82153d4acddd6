namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SinkConfig.Compression"/>.</summary>
public static class SinkCompressions
{
    public const string Gzip = "gzip";
    public const string None = "none";

    /// <summary>Loki only: the push is sent as protobuf, snappy-compressed, as Promtail and Alloy send it.</summary>
    public const string Snappy = "snappy";
    public static readonly IReadOnlyList<string> All = [Gzip, None, Snappy];
}
