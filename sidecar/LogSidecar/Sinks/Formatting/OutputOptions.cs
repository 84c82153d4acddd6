using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// Resolved output settings (see <see cref="OutputConfig"/> for the documented defaults).
/// <paramref name="TimeKey"/> names the record's time: <c>time</c> on stdout, <c>@timestamp</c> in
/// Elasticsearch documents (what data streams require).
/// </summary>
internal sealed record OutputOptions(bool Json, bool Split, int MaxRecordBytes, string TimeKey = "time")
{
    public static OutputOptions From(OutputConfig config) => new(
        config.Format == OutputFormats.Json,
        config.Oversize == OversizePolicies.Split,
        config.MaxRecordBytes);
}
