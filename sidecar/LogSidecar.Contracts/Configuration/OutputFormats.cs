namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="OutputConfig.Format"/>.</summary>
public static class OutputFormats
{
    public const string Json = "json";
    public const string Raw = "raw";
    public static readonly IReadOnlyList<string> All = [Json, Raw];
}
