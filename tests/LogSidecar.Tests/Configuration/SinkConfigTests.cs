using LogSidecar.Cli;
using LogSidecar.Configuration;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tests.Configuration;

public class SinkConfigTests
{
    [Fact]
    public void FlagsDescribeOneSinkAndShipTheStreamWithoutFurtherConfiguration()
    {
        var config = Load(["--path", "/var/log/app/*.log", "--sink", "elasticsearch", "--endpoint", "https://es.logging:9200", "--index", "app-%Y.%m.%d", "--ca-file", "/etc/ca.pem", "--credentials-dir", "/etc/es"], null, out var errors);

        Assert.Empty(errors);
        var sink = Assert.Single(config!.Sinks);
        Assert.Equal(("elasticsearch", "https://es.logging:9200", "app-%Y.%m.%d", "/etc/ca.pem", "/etc/es"), (sink.Type, sink.Endpoint, sink.Index, sink.CaFile, sink.CredentialsDir));
        Assert.Equal(DeliveryModes.Ship, config.Mode);
        Assert.Same(sink, DeliveryRoutes.SinkOf(config, config.Streams[0]));
    }

    [Fact]
    public void ModeBothKeepsStdoutAndAnExplicitModeWins()
    {
        var config = Load(["--path", "/logs/*.log", "--mode", "both", "--sink", "loki", "--endpoint", "http://loki:3100"], null, out var errors);

        Assert.Empty(errors);
        Assert.Equal(DeliveryModes.Both, config!.Mode);
    }

    [Fact]
    public void EveryShippingProblemIsNamedWithWhatToChange()
    {
        const string json = """
            {"mode":"ship","sinks":[
               {"type":"splunk","endpoint":"ftp://x"},
               {"name":"es","type":"elasticsearch","endpoint":"http://user:pw@es:9200","index":"Logs*","caFile":"ca.pem","maxBatchBytes":10,"labels":["pod"]},
               {"name":"es","type":"loki","endpoint":"http://loki:3100","labels":["trace_id"],"tenant":"team a"},
               {"name":"otel","type":"otlp","endpoint":"http://collector:4318","tenant":"shop"}],
             "streams":[{"name":"a","paths":["/l/a.log"],"sink":"missing"},{"name":"b","paths":["/l/b.log"],"mode":"stdout","sink":"es"}]}
            """;

        Load([], json, out var errors);

        Assert.Contains(errors, e => e.Field == "sinks[0].type" && e.Message.Contains("elasticsearch, opensearch, loki, otlp", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[0].endpoint" && e.Message.Contains("http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[1].endpoint" && e.Message.Contains("credentialsDir", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[1].index" && e.Message.Contains("lowercase", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[1].caFile" && e.Message.Contains("absolute", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[1].maxBatchBytes");
        Assert.Contains(errors, e => e.Field == "sinks[2].name" && e.Message.Contains("own name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[2].labels[0]" && e.Message.Contains("namespace, pod", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[2].tenant" && e.Message.Contains("not a Loki tenant ID", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sinks[3].tenant" && e.Message.Contains("Loki's", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "streams[0].sink" && e.Message.Contains("no sink is called 'missing'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "streams[1].sink" && e.Message.Contains("ships nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public void AShippingStreamWithoutASinkSaysWhichFlagsAddOne()
    {
        Load(["--path", "/logs/*.log", "--mode", "ship"], null, out var errors);

        var error = Assert.Single(errors);
        Assert.Equal("streams[0].sink", error.Field);
        Assert.Contains("--sink and --endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackendFlagsWithoutASinkTypeAreRefused()
    {
        Load(["--path", "/logs/*.log", "--endpoint", "http://es:9200"], null, out var errors);

        Assert.Contains(errors, e => e.Message.Contains("add --sink", StringComparison.Ordinal));
    }

    private static SidecarConfig? Load(string[] args, string? environmentJson, out List<ConfigError> errors)
    {
        var flagErrors = new List<string>();
        var flags = CommandLine.Parse(args, flagErrors);
        Assert.Empty(flagErrors);
        errors = [];
        return ConfigLoader.Load(flags, _ => environmentJson, errors);
    }
}
