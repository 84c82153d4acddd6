namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SidecarConfig.LogLevel"/>.</summary>
public static class DiagnosticLevels
{
    public const string Debug = "debug";
    public const string Info = "info";
    public const string Warn = "warn";
    public const string Error = "error";
    public static readonly IReadOnlyList<string> All = [Debug, Info, Warn, Error];
}
