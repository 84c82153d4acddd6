using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Sinks;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Elasticsearch;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Sinks.Http;
using LogSidecar.Sinks.Loki;
using LogSidecar.Sinks.Otlp;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Hosting;

/// <summary>Builds the sink of one <see cref="SinkConfig"/>: its protocol, its HTTP client and its counters.</summary>
internal sealed class SinkFactory(PodMetadata pod, SidecarMetrics metrics, DeadLetterWriter deadLetters, TimeProvider time, ILoggerFactory loggers)
{
    // Backends have no line limit: a record is one document, never split.
    private const int UnlimitedRecordBytes = int.MaxValue / 4;

    public ShippingSink? Create(SinkConfig config, out string? error)
    {
        var endpoint = new Uri(config.Endpoint.EndsWith('/') ? config.Endpoint : config.Endpoint + "/");
        IBackendProtocol? protocol = config.Type switch
        {
            SinkTypes.Elasticsearch or SinkTypes.OpenSearch => new BulkProtocol(endpoint, new IndexPattern(config.Index), Formatter("@timestamp"), time),
            SinkTypes.Loki when config.Compression == SinkCompressions.Snappy => new LokiProtobufProtocol(endpoint, new LokiLabelSets(config.Labels, pod), Formatter("time"), time),
            SinkTypes.Loki => new LokiPushProtocol(endpoint, new LokiLabelSets(config.Labels, pod), Formatter("time"), time),
            SinkTypes.Otlp => new OtlpLogsProtocol(endpoint, pod, new LogRecordEncoder(), time),
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
        new(new OutputOptions(Json: true, Split: false, UnlimitedRecordBytes, timeKey), pod, metrics);
}
