namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SinkConfig.Compression"/>.</summary>
public static class SinkCompressions
{
    public const string Gzip = "gzip";
    public const string None = "none";
    public static readonly IReadOnlyList<string> All = [Gzip, None];
}
