using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tests.Sinks.Loki;

/// <summary>Which compressions a sink accepts: snappy means Loki's protobuf push, so only a Loki sink takes it.</summary>
public class LokiSinkConfigTests
{
    [Theory]
    [InlineData(SinkTypes.Loki, SinkCompressions.Snappy, true)]
    [InlineData(SinkTypes.Loki, SinkCompressions.Gzip, true)]
    [InlineData(SinkTypes.Otlp, SinkCompressions.Snappy, false)]
    [InlineData(SinkTypes.Elasticsearch, SinkCompressions.Snappy, false)]
    public void SnappyIsAcceptedOnlyForLoki(string type, string compression, bool valid)
    {
        var config = new SidecarConfig
        {
            Mode = DeliveryModes.Ship,
            Streams = [new StreamConfig { Name = "app", Paths = ["/var/log/app/*.log"] }],
            Sinks = [new SinkConfig { Type = type, Endpoint = "http://backend.logging:3100", Compression = compression }],
        };

        var errors = SidecarConfigValidator.Validate(config).Where(e => e.Field == "sinks[0].compression").ToList();

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Contains("snappy is Loki's protobuf push", errors[0].Message, StringComparison.Ordinal);
        }
    }
}
