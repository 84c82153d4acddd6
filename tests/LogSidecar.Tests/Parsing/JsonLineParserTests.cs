using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tests.Parsing;

public class JsonLineParserTests
{
    [Fact]
    public void WellKnownKeysBecomeTimeSeverityAndMessageAndTheRestStayFieldsAsJson()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Json),
            """{"@timestamp":"2026-11-23T10:00:01.250+01:00","level":"warning","message":"slow query \"orders\"\nline 2","took_ms":1840,"db":{"host":"pg-0","replica":false},"tags":["a","b"]}""");

        Assert.True(parsed.Ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 1, 250, TimeSpan.Zero), parsed.Time);
        Assert.Equal("WARN", parsed.Severity);
        Assert.Equal("slow query \"orders\"\nline 2", parsed.Message);
        Assert.Equal(new Dictionary<string, string>
        {
            ["took_ms"] = "1840",
            ["db"] = """{"host":"pg-0","replica":false}""",
            ["tags"] = """["a","b"]""",
        }, parsed.Fields);
    }

    [Fact]
    public void PinoNumericLevelsAndEpochMillisecondsAreUnderstood()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Json), """{"level":50,"time":1795480801250,"pid":7,"hostname":"web-0","msg":"request failed"}""");

        Assert.Equal("ERROR", parsed.Severity);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795480801250), parsed.Time);
        Assert.Equal("request failed", parsed.Message);
        Assert.Equal(["pid", "hostname"], parsed.Fields.Keys);
    }

    [Fact]
    public void EscapedTimesAndLevelsAsSystemTextJsonWritesThemAreUnderstood()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Json), """{"ts":"2026-11-23T10:00:01.250\u002B01:00","level":"\u0057arning","msg":"x"}""");

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 1, 250, TimeSpan.Zero), parsed.Time);
        Assert.Equal("WARN", parsed.Severity);
        Assert.Empty(parsed.Fields);
    }

    [Fact]
    public void UnreadableTimeAndUnknownLevelStayAsFields()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Json), """{"time":"yesterday","level":"loud","msg":"x"}""");

        Assert.Null(parsed.Time);
        Assert.Equal("", parsed.Severity);
        Assert.Equal("\"yesterday\"", parsed.Fields["time"]);
        Assert.Equal("\"loud\"", parsed.Fields["level"]);
    }

    [Theory]
    [InlineData("plain text", "invalid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"a\":1} {\"b\":2}", "invalid JSON")]
    [InlineData("{\"a\":", "invalid JSON")]
    public void NonObjectsAreRejectedWithAReason(string line, string reason)
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Json), line);

        Assert.False(parsed.Ok);
        Assert.StartsWith(reason, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfiguredKeysReplaceTheBuiltInOnes()
    {
        var stream = ParserHarness.Stream(RecordFormats.Json);
        stream.MessageKeys = ["event"];
        stream.LevelKeys = ["sev"];

        var parsed = ParserHarness.Parse(stream, """{"msg":"kept as field","event":"the message","sev":"E"}""");

        Assert.Equal("the message", parsed.Message);
        Assert.Equal("ERROR", parsed.Severity);
        Assert.Equal("\"kept as field\"", parsed.Fields["msg"]);
    }
}
