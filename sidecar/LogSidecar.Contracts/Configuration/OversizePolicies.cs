namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="OutputConfig.Oversize"/>.</summary>
public static class OversizePolicies
{
    public const string Split = "split";
    public const string Truncate = "truncate";
    public static readonly IReadOnlyList<string> All = [Split, Truncate];
}
