using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Output;
using LogSidecar.Parsing;
using LogSidecar.Shipping.Elasticsearch;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Shipping;

/// <summary>Builds the sink of one <see cref="SinkConfig"/>: its protocol, its HTTP client and its counters.</summary>
internal sealed class SinkFactory(PodMetadata pod, IReadOnlyDictionary<string, IRecordParser?> parsers, SidecarMetrics metrics, DeadLetterWriter deadLetters, TimeProvider time, ILoggerFactory loggers)
{
    // Backends have no line limit: a record is one document, never split.
    private const int UnlimitedRecordBytes = int.MaxValue / 4;

    public ShippingSink? Create(SinkConfig config, out string? error)
    {
        var endpoint = new Uri(config.Endpoint.EndsWith('/') ? config.Endpoint : config.Endpoint + "/");
        IBackendProtocol? protocol = config.Type switch
        {
            SinkTypes.Elasticsearch or SinkTypes.OpenSearch => new BulkProtocol(endpoint, new IndexPattern(config.Index), Formatter("@timestamp"), time),
            SinkTypes.Loki when config.Compression == SinkCompressions.Snappy => new Loki.LokiProtobufProtocol(endpoint, new Loki.LokiLabelSets(config.Labels, pod), Formatter("time"), time),
            SinkTypes.Loki => new Loki.LokiPushProtocol(endpoint, new Loki.LokiLabelSets(config.Labels, pod), Formatter("time"), time),
            SinkTypes.Otlp => new Otlp.OtlpLogsProtocol(endpoint, pod, new Otlp.LogRecordEncoder(parsers, metrics), time),
            _ => null,
        };

        if (protocol is null)
        {
            error = $"sinks: type {config.Type} is not supported by this build";
            return null;
        }

        var trust = BackendHttpClient.LoadTrust(config.CaFile, out error);
        if (trust is null)
        {
            return null;
        }

        var options = ShippingOptions.From(config);
        return new ShippingSink(options, protocol, trust, deadLetters, metrics.AddSink(options.Name), time, loggers.CreateLogger<ShippingSink>());
    }

    private JsonRecordFormatter Formatter(string timeKey) =>
        new(new OutputOptions(Json: true, Split: false, UnlimitedRecordBytes, timeKey), pod, metrics, parsers);
}
