using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Output;

/// <summary>Resolved output settings (see <see cref="OutputConfig"/> for the documented defaults).</summary>
internal sealed record OutputOptions(bool Json, bool Split, int MaxRecordBytes)
{
    public static OutputOptions From(OutputConfig config) => new(
        config.Format == OutputFormats.Json,
        config.Oversize == OversizePolicies.Split,
        config.MaxRecordBytes);
}
