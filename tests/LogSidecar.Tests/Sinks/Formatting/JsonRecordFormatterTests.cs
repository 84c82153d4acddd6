using System.Text;
using System.Text.Json;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Sinks;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Tests.Parsing;
using LogSidecar.Text;

namespace LogSidecar.Tests.Sinks.Formatting;

public class JsonRecordFormatterTests
{
    private static readonly PodMetadata Pod = new("web-0", "shop", "uid-1", "node-a", "logsidecar");

    [Fact]
    public void RecordCarriesMessageFileStreamAndPodMetadata()
    {
        var line = Format(new OutputOptions(Json: true, Split: true, MaxRecordBytes: 16384), "hello \"world\"\tend");

        using var json = JsonDocument.Parse(Assert.Single(line));
        var root = json.RootElement;
        Assert.Equal("hello \"world\"\tend", root.GetProperty("message").GetString());
        Assert.Equal("/logs/a.log", root.GetProperty("file").GetString());
        Assert.Equal("app", root.GetProperty("stream").GetString());
        Assert.Equal("1970-01-01T00:00:01.000Z", root.GetProperty("time").GetString());
        Assert.Equal("web-0", root.GetProperty("kubernetes").GetProperty("pod_name").GetString());
        Assert.Equal("shop", root.GetProperty("kubernetes").GetProperty("namespace_name").GetString());
    }

    [Fact]
    public void OversizeRecordIsSplitIntoPiecesThatReassembleToTheMessage()
    {
        var message = string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i}\"日\n"));
        var lines = Format(new OutputOptions(Json: true, Split: true, MaxRecordBytes: 1024), message);

        Assert.True(lines.Count > 1);
        var pieces = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) + 1 <= 1024, $"line of {line.Length} chars is over the limit"));
        Assert.Single(pieces.Select(p => p.GetProperty("split").GetProperty("id").GetString()).Distinct());
        Assert.Equal(Enumerable.Range(0, lines.Count), pieces.Select(p => p.GetProperty("split").GetProperty("index").GetInt32()));
        Assert.All(pieces, p => Assert.Equal(lines.Count, p.GetProperty("split").GetProperty("count").GetInt32()));
        Assert.Equal(message, string.Concat(pieces.Select(p => p.GetProperty("message").GetString())));
    }

    [Fact]
    public void OversizeRecordIsTruncatedAndFlaggedWhenConfigured()
    {
        var message = new string('z', 5000);
        var line = Assert.Single(Format(new OutputOptions(Json: true, Split: false, MaxRecordBytes: 1024), message));

        using var json = JsonDocument.Parse(line);
        Assert.True(json.RootElement.GetProperty("truncated").GetBoolean());
        Assert.StartsWith("zzz", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(line) + 1 <= 1024);
    }

    [Fact]
    public void RawOutputWritesTheLineAsReadAndSplitsLongOnes()
    {
        var lines = Format(new OutputOptions(Json: false, Split: true, MaxRecordBytes: 1024), new string('r', 2500));

        Assert.Equal([1023, 1023, 454], lines.Select(l => l.Length));
    }

    /// <summary>
    /// Fields are written as <c>"key":value</c> joined by commas whatever the record's spacing: a compact
    /// record's fields are copied as one run when they read as written (the first two cases), else its
    /// runs of fields are copied as they are and the others rebuilt, and all read the same.
    /// </summary>
    [Theory]
    [InlineData("""{"msg":"m","level":"info","a":1,"b":{"c":[1,2]},"d":"x\"y","e":null}""")]
    [InlineData("""{"a":1,"b":{"c":[1,2]},"d":"x\"y","e":null,"msg":"m"}""")]
    [InlineData("""{"msg":"m","a":1,"b":{"c":[1,2]},"level":"info","d":"x\"y","e":null}""")]
    [InlineData("""{ "msg" : "m" , "a" : 1, "b":{"c":[1,2]},"level":"info" ,"d": "x\"y","e":null }""")]
    [InlineData("""{"a":1,"b":{"c":[1,2]},"msg":"m","d":"x\"y",  "e":null,"level":"info"}""")]
    public void FieldsReadTheSameWhetherTheRecordIsCompactOrSpaced(string record)
    {
        var line = Assert.Single(Format(new OutputOptions(Json: true, Split: true, MaxRecordBytes: 16384), record, RecordFormats.Json));

        Assert.Contains(""","fields":{"a":1,"b":{"c":[1,2]},"d":"x\"y","e":null}""", line, StringComparison.Ordinal);
        Assert.Contains(""","message":"m",""", line, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedKeysAreWrittenAsTheRecordEscapedThem()
    {
        var line = Assert.Single(Format(new OutputOptions(Json: true, Split: true, MaxRecordBytes: 16384), """{"caf\u00e9":1,"tab\tkey":"v","plain":true}""", RecordFormats.Json));

        Assert.Contains(""","fields":{"caf\u00e9":1,"tab\tkey":"v","plain":true}""", line, StringComparison.Ordinal);
    }

    private static List<string> Format(OutputOptions options, string message, string? format = null)
    {
        var metrics = new SidecarMetrics();
        IRecordFormatter formatter = options.Json
            ? new JsonRecordFormatter(options, Pod, metrics)
            : new RawRecordFormatter(options, metrics);
        var bytes = Encoding.UTF8.GetBytes(message);
        var batch = new LineBatch(new TrackedFile("/logs/a.log", "app"), bytes.Length, DateTimeOffset.FromUnixTimeSeconds(1))
        {
            Identity = new FileIdentity(1, 2, 3, 4),
        };
        bytes.CopyTo(batch.Buffer, 0);
        batch.Add(new LineRecord(0, bytes.Length, 0, RecordFlags.None));

        using var stream = new MemoryStream();
        var output = new OutputBuffer(stream, 1 << 20);
        var parser = format is null ? null : RecordParsers.Create(ParserHarness.Stream(format), RegexUse.None);
        formatter.Write(Prepared.Of(batch, parser: parser, metrics: metrics), output);
        output.FlushAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        batch.Release();

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.TrimEnd('\n').Split('\n')];
    }
}
