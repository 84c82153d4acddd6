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

    [Fact]
    public void ConfigWithoutStreamsSaysHowToAddOne()
    {
        var error = Assert.Single(Load([], null));

        Assert.Equal("streams", error.Field);
        Assert.Contains("--path", error.Message, StringComparison.Ordinal);
    }

    private static List<ConfigError> Load(string[] args, string? environmentJson)
    {
        var flags = CommandLine.Parse(args, []);
        var errors = new List<ConfigError>();
        ConfigLoader.Load(flags, name => name == ConfigLoader.EnvironmentVariable ? environmentJson : null, errors);
        return errors;
    }
}
