using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tailing;

/// <summary>
/// Bounds on one listing of a glob's directory tree, so that a hostile or merely huge tree costs a
/// known amount of time and memory per poll (see <see cref="TailingConfig"/> for the defaults).
/// </summary>
/// <param name="MaxDepth">Directory levels entered below the glob's directory.</param>
/// <param name="MaxEntries">Directory entries looked at per glob in one scan.</param>
internal sealed record ScanLimits(int MaxDepth, int MaxEntries)
{
    public static readonly ScanLimits Default = From(new TailingConfig());

    public static ScanLimits From(TailingConfig config) => new(config.MaxDepth, config.MaxScanEntries);
}
