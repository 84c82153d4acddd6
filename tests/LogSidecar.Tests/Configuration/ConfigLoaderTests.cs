using LogSidecar.Cli;
using LogSidecar.Configuration;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tests.Configuration;

public class ConfigLoaderTests
{
    [Fact]
    public void EveryProblemIsReportedAtOnceWithTheFieldToChange()
    {
        const string json = """
            {"streams":[{"name":"Bad Name","paths":["relative/*.log"],"startAt":"middle"}],
             "tailing":{"pollIntervalMs":0},"output":{"format":"xml"}}
            """;

        var errors = Load([], json);

        Assert.Contains(errors, e => e.Field == "streams[0].name");
        Assert.Contains(errors, e => e.Field == "streams[0].paths[0]" && e.Message.Contains("absolute", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "streams[0].startAt" && e.Message.Contains("head, tail", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "tailing.pollIntervalMs");
        Assert.Contains(errors, e => e.Field == "output.format" && e.Message.Contains("json, raw", StringComparison.Ordinal));
    }

    [Fact]
    public void DiscoveryLimitsOutOfRangeAreRefusedWithTheFieldToChange()
    {
        const string json = """
            {"streams":[{"name":"app","paths":["/logs/**"]}],"tailing":{"maxDepth":-1,"maxScanEntries":5}}
            """;

        var errors = Load([], json);

        Assert.Contains(errors, e => e.Field == "tailing.maxDepth" && e.Message.Contains("0 to 256", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "tailing.maxScanEntries" && e.Message.Contains("100 to 10000000", StringComparison.Ordinal));
    }

    [Fact]
    public void AStreamsContainerMustBeAContainerName()
    {
        var error = Assert.Single(Load([], """{"streams":[{"name":"web","paths":["/logs/*.log"],"container":"Web_1"}]}"""));

        Assert.Equal("streams[0].container", error.Field);
        Assert.Contains("not a container name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownFieldIsNamedInsteadOfIgnored()
    {
        var error = Assert.Single(Load([], """{"streams":[],"tailing":{"pollIntervalMS":100}}"""));

        Assert.Contains("pollIntervalMS", error.Field, StringComparison.Ordinal);
        Assert.Contains("unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlagsOverrideTheEnvironmentConfigAndTheCheckpointDirDefaultsNextToTheLogs()
    {
        var flagErrors = new List<string>();
        var flags = CommandLine.Parse(["--path", "/var/log/app/*.log", "--output", "raw"], flagErrors);
        var errors = new List<ConfigError>();

        var config = ConfigLoader.Load(flags, _ => """{"streams":[{"name":"x","paths":["/other/*.log"]}],"output":{"format":"json"}}""", errors);

        Assert.Empty(flagErrors);
        Assert.Empty(errors);
        Assert.Equal(["/var/log/app/*.log"], Assert.Single(config!.Streams).Paths);
        Assert.Equal("raw", config.Output.Format);
        Assert.Equal("/var/log/app/.logsidecar", config.CheckpointDir);
    }

    private const string Stream = """{"name":"app","paths":["/logs/*.log"]}""";

    [Theory]
    [InlineData("""{"streams":null}""", "streams")]
    [InlineData("""{"streams":[null]}""", "streams[0]")]
    [InlineData("""{"streams":[{"name":"app","paths":null}]}""", "streams[0].paths")]
    [InlineData("""{"streams":[{"name":"app","paths":[null]}]}""", "streams[0].paths[0]")]
    [InlineData("""{"streams":[{"name":null,"paths":["/logs/*.log"]}]}""", "streams[0].name")]
    [InlineData("""{"streams":[{"name":"app","paths":["/logs/*.log"],"exclude":null}]}""", "streams[0].exclude")]
    [InlineData("""{"streams":[{"name":"app","paths":["/logs/*.log"],"timeKeys":null}]}""", "streams[0].timeKeys")]
    [InlineData("""{"streams":[{"name":"app","paths":["/logs/*.log"],"timeFormats":null}]}""", "streams[0].timeFormats")]
    [InlineData("""{"streams":[{"name":"app","paths":["/logs/*.log"],"format":null}]}""", "streams[0].format")]
    [InlineData("""{"streams":[""" + Stream + """],"tailing":null}""", "tailing")]
    [InlineData("""{"streams":[""" + Stream + """],"output":null}""", "output")]
    [InlineData("""{"streams":[""" + Stream + """],"metrics":null}""", "metrics")]
    [InlineData("""{"streams":[""" + Stream + """],"metrics":{"address":null}}""", "metrics.address")]
    [InlineData("""{"streams":[""" + Stream + """],"logLevel":null}""", "logLevel")]
    [InlineData("""{"streams":[""" + Stream + """],"mode":null}""", "mode")]
    [InlineData("""{"streams":[""" + Stream + """],"sinks":null}""", "sinks")]
    [InlineData("""{"streams":[""" + Stream + """],"mode":"ship","sinks":[null]}""", "sinks[0]")]
    [InlineData("""{"streams":[""" + Stream + """],"mode":"ship","sinks":[{"type":null,"endpoint":"http://es:9200"}]}""", "sinks[0].type")]
    [InlineData("""{"streams":[""" + Stream + """],"mode":"ship","sinks":[{"type":"loki","endpoint":"http://loki:3100","labels":null}]}""", "sinks[0].labels")]
    [InlineData("""{"streams":[""" + Stream + """],"mode":"ship","sinks":[{"type":"elasticsearch","endpoint":null,"index":null}]}""", "sinks[0].index")]
    public void NullWhereAValueIsExpectedIsOneMoreProblemOfThatFieldNotACrash(string json, string field)
    {
        var errors = Load([], json);

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains("null", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryNullIsListedAtOnceEvenWhenFlagsWouldChangeTheObjectsThatAreNull()
    {
        const string json = """{"streams":[null,{"name":"app","paths":null}],"tailing":null,"output":null,"metrics":null,"sinks":[null]}""";

        var errors = Load(["--output", "raw", "--metrics-port", "0"], json);

        Assert.Equal(["metrics", "output", "sinks[0]", "streams[0]", "streams[1].paths", "tailing"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("99999999999999999999", "out of range")]
    [InlineData("-99999999999", "out of range")]
    [InlineData("2.5", "not a plain whole number")]
    [InlineData("\"fast\"", "wrong type")]
    public void ANumberTheFieldCannotHoldIsNamedForWhatIsWrongWithIt(string value, string expected)
    {
        var error = Assert.Single(Load([], """{"streams":[""" + Stream + """],"tailing":{"pollIntervalMs":""" + value + "}}"));

        Assert.Equal($"{ConfigLoader.EnvironmentVariable} at $.tailing.pollIntervalMs", error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANumberOutOfRangeBeforeBrokenJsonIsStillOneClearError()
    {
        var error = Assert.Single(Load([], """{"tailing":{"pollIntervalMs":99999999999999999999}, oops"""));

        Assert.Contains("pollIntervalMs", error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigWithoutStreamsSaysHowToAddOne()
    {
        var error = Assert.Single(Load([], null));

        Assert.Equal("streams", error.Field);
        Assert.Contains("--path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditFlagsAloneMakeTheAuditStreamWithAbsoluteFilesAndCheckpointsInTheSpool()
    {
        var flags = CommandLine.Parse(["--audit-listen", "127.0.0.1:9443", "--tls-cert", "tls.crt", "--tls-key", "tls.key", "--audit-token-file", "token", "--audit-spool", "spool"], []);
        var errors = new List<ConfigError>();

        var config = ConfigLoader.Load(flags, _ => null, errors);

        Assert.Empty(errors);
        var stream = Assert.Single(config!.Streams);
        Assert.Equal("audit", stream.Name);
        Assert.Equal(RecordFormats.KubernetesAudit, stream.Format);
        Assert.Equal([Path.Combine(Path.GetFullPath("spool"), "audit-*.jsonl")], stream.Paths);
        Assert.Equal(Path.GetFullPath("tls.crt"), config.Sources!.Audit!.TlsCert);
        Assert.Equal(Path.Combine(Path.GetFullPath("spool"), ".logsidecar"), config.CheckpointDir);
    }

    [Fact]
    public void AuditSourceProblemsNameTheirFieldAndFlag()
    {
        const string json = """
            {"streams":[{"name":"audit","paths":["/logs/*.log"]}],
             "sources":{"audit":{"listen":"[::1]","tlsCert":"relative.crt","spoolMaxBytes":1024,"mode":"ship","sink":"nowhere"}}}
            """;

        var errors = Load([], json);

        Assert.Contains(errors, e => e.Field == "sources.audit.listen" && e.Message.Contains("--audit-listen", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources.audit.tlsCert" && e.Message.Contains("--tls-cert and --tls-key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources.audit.tlsCert" && e.Message.Contains("relative", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources.audit" && e.Message.Contains("--client-ca", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources.audit.spoolDir" && e.Message.Contains("--audit-spool", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "sources.audit.spoolMaxBytes");
        Assert.Contains(errors, e => e.Field == "sources.audit.stream" && e.Message.Contains("configured stream too", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field.StartsWith("sources.audit.sink", StringComparison.Ordinal));
    }

    [Fact]
    public void OnceIsRefusedWithTheAuditSourceWhichRunsUntilStopped()
    {
        var errors = Load(["--once", "--audit-listen", "127.0.0.1:9443", "--tls-cert", "/t/tls.crt", "--tls-key", "/t/tls.key", "--audit-token-file", "/t/token", "--audit-spool", "/t/spool"], null);

        Assert.Equal("--once", Assert.Single(errors).Field);
    }

    private static List<ConfigError> Load(string[] args, string? environmentJson)
    {
        var flags = CommandLine.Parse(args, []);
        var errors = new List<ConfigError>();
        ConfigLoader.Load(flags, name => name == ConfigLoader.EnvironmentVariable ? environmentJson : null, errors);
        return errors;
    }
}
