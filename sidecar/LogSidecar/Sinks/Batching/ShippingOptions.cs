using LogSidecar.Contracts.Configuration;
using LogSidecar.Sinks.Http;

namespace LogSidecar.Sinks.Batching;

/// <summary>Resolved settings of one sink (see <see cref="SinkConfig"/> for the documented defaults); <paramref name="Headers"/> go on every request.</summary>
internal sealed record ShippingOptions(
    string Name,
    int MaxBatchRecords,
    int MaxBatchBytes,
    TimeSpan FlushInterval,
    TimeSpan Timeout,
    TimeSpan RetryInitial,
    TimeSpan RetryMax,
    bool Gzip,
    string? CredentialsDir,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static ShippingOptions From(SinkConfig config) => new(
        DeliveryRoutes.NameOf(config),
        config.MaxBatchRecords,
        config.MaxBatchBytes,
        TimeSpan.FromMilliseconds(config.FlushIntervalMs),
        TimeSpan.FromMilliseconds(config.TimeoutMs),
        TimeSpan.FromMilliseconds(config.RetryInitialMs),
        TimeSpan.FromMilliseconds(config.RetryMaxMs),
        config.Compression == SinkCompressions.Gzip,
        config.CredentialsDir,
        config.Tenant is { } tenant ? [new("X-Scope-OrgID", tenant)] : []);

    /// <summary>The part of these settings that the HTTP transport uses.</summary>
    public TransportOptions Transport => new(Name, Timeout, Gzip, CredentialsDir, Headers);
}
