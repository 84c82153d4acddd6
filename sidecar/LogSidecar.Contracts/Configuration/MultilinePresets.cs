namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="MultilineConfig.Preset"/>.</summary>
public static class MultilinePresets
{
    public const string Java = "java";
    public const string DotNet = "dotnet";
    public const string Python = "python";
    public const string Go = "go";
    public static readonly IReadOnlyList<string> All = [Java, DotNet, Python, Go];
}
