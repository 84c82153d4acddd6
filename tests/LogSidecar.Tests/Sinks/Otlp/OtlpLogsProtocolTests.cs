using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Sinks;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Otlp;
using LogSidecar.Tests.Parsing;
using LogSidecar.Tests.Sinks.Receivers;
using LogSidecar.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Tests.Sinks.Otlp;

/// <summary>The OTLP encoder's bytes, decoded by the test's own protobuf reader, and the sink's handling of partial_success in process.</summary>
public class OtlpLogsProtocolTests
{
    private static readonly DateTimeOffset ReadTime = new(2026, 11, 23, 9, 30, 0, 123, TimeSpan.Zero);
    private static readonly PodMetadata Pod = new("web-7d9f", "shop", "6f1c2a54-0d7e-4b8e-9a43-2f1b8e0c7d11", "node-a", "web");

    [Fact]
    public void ARequestIsOneResourceWithThePodsK8sAttributesAndOneLogsidecarScopeAroundTheRecords()
    {
        var file = new TrackedFile("/var/log/app/a.log", "app");
        var (protocol, items) = Encode(Pod, Parsers(file, RecordFormats.Plain), file, "first line", "second \"line\"\twith a tab", "");

        var records = OtlpLogsReceiver.Decode(Body(protocol, items));

        Assert.Equal(["first line", "second \"line\"\twith a tab", ""], records.Select(r => r.Body));
        Assert.All(records, record =>
        {
            Assert.Equal(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["k8s.namespace.name"] = "shop",
                ["k8s.pod.name"] = "web-7d9f",
                ["k8s.pod.uid"] = "6f1c2a54-0d7e-4b8e-9a43-2f1b8e0c7d11",
                ["k8s.container.name"] = "web",
                ["k8s.node.name"] = "node-a",
            }, record.Resource);
            Assert.Equal("logsidecar", record.Scope);
            Assert.Equal(0UL, record.TimeUnixNanos);
            Assert.Equal(Nanos(ReadTime), record.ObservedTimeUnixNanos);
            Assert.Equal(0, record.SeverityNumber);
            Assert.Equal(new Dictionary<string, string>(StringComparer.Ordinal) { ["log.file.path"] = "/var/log/app/a.log", ["logsidecar.stream"] = "app" }, record.Attributes);
        });
    }

    [Fact]
    public void AParsedRecordCarriesItsTimeSeverityUnescapedMessageAndFieldsAsAttributesOfTheirJsonType()
    {
        var file = new TrackedFile("/var/log/app/api.log", "api");
        var line = """{"ts":"2026-11-23T09:29:59.1234567Z","level":"warn","msg":"slow \"query\"\ntook 2s","user":"b\u00f6b","status":503,"ctx":{"db":"orders"},"ok":false}""";
        var (protocol, items) = Encode(new PodMetadata(null, "shop", null, null, null), Parsers(file, RecordFormats.Json), file, line);

        var record = Assert.Single(OtlpLogsReceiver.Decode(Body(protocol, items)));

        Assert.Equal(new Dictionary<string, string>(StringComparer.Ordinal) { ["k8s.namespace.name"] = "shop" }, record.Resource);
        Assert.Equal(Nanos(new DateTimeOffset(2026, 11, 23, 9, 29, 59, TimeSpan.Zero).AddTicks(1234567)), record.TimeUnixNanos);
        Assert.Equal(Nanos(ReadTime), record.ObservedTimeUnixNanos);
        Assert.Equal(13, record.SeverityNumber);
        Assert.Equal("WARN", record.SeverityText);
        Assert.Equal("slow \"query\"\ntook 2s", record.Body);
        Assert.Equal("böb", record.Attributes["user"]);
        Assert.Equal("503", record.Attributes["status"]);
        Assert.Equal("""{"db":"orders"}""", record.Attributes["ctx"]);
        Assert.Equal("false", record.Attributes["ok"]);
        Assert.Equal("/var/log/app/api.log", record.Attributes["log.file.path"]);
        Assert.Equal("api", record.Attributes["logsidecar.stream"]);
        Assert.Equal("string:böb", record.TypedAttributes["user"]);
        Assert.Equal("int:503", record.TypedAttributes["status"]);
        Assert.Equal("kvlist:{db=string:orders}", record.TypedAttributes["ctx"]);
        Assert.Equal("bool:false", record.TypedAttributes["ok"]);
        Assert.Equal(record.TimeUnixNanos, (ulong)items[0].TimeUnixNanos);
    }

    [Fact]
    public void EveryJsonTypeBecomesItsAnyValueKindNestedOnesIncluded()
    {
        var file = new TrackedFile("/var/log/app/api.log", "api");
        var line = """{"msg":"typed","big":9223372036854775807,"neg":-42,"ratio":0.25,"exp":1e3,"huge":1e400,"yes":true,"none":null,"tags":["a",1,2.5,false,null,[],{}],"req":{"path":"/a\"b","headers":{"n":2},"ids":[-1,0]},"k\u00e9y":"v"}""";
        var (protocol, items) = Encode(Pod, Parsers(file, RecordFormats.Json), file, line);

        var record = Assert.Single(OtlpLogsReceiver.Decode(Body(protocol, items)));

        Assert.Equal("typed", record.Body);
        Assert.Equal("int:9223372036854775807", record.TypedAttributes["big"]);
        Assert.Equal("int:-42", record.TypedAttributes["neg"]);
        Assert.Equal("double:0.25", record.TypedAttributes["ratio"]);
        Assert.Equal("double:1000", record.TypedAttributes["exp"]);
        Assert.Equal("string:1e400", record.TypedAttributes["huge"]);
        Assert.Equal("bool:true", record.TypedAttributes["yes"]);
        Assert.Equal("empty", record.TypedAttributes["none"]);
        Assert.Equal("array:[string:a,int:1,double:2.5,bool:false,empty,array:[],kvlist:{}]", record.TypedAttributes["tags"]);
        Assert.Equal("kvlist:{path=string:/a\"b,headers=kvlist:{n=int:2},ids=array:[int:-1,int:0]}", record.TypedAttributes["req"]);
        Assert.Equal("string:v", record.TypedAttributes["kéy"]);
    }

    [Fact]
    public void ARecordThatDoesNotParseIsSentWholeWithTheParseError()
    {
        var file = new TrackedFile("/var/log/app/api.log", "api");
        var (protocol, items) = Encode(Pod, Parsers(file, RecordFormats.Json), file, "not json at all");

        var record = Assert.Single(OtlpLogsReceiver.Decode(Body(protocol, items)));

        Assert.Equal("not json at all", record.Body);
        Assert.Equal(0UL, record.TimeUnixNanos);
        Assert.True(record.Attributes.ContainsKey("logsidecar.parse_error"));
    }

    [Fact]
    public void ADeadLetterShowsTheRecordsTimesSeverityBodyAndAttributesAsJson()
    {
        var file = new TrackedFile("/var/log/app/api.log", "api");
        var (protocol, items) = Encode(Pod, Parsers(file, RecordFormats.Json), file, """{"ts":"2026-11-23T09:29:59Z","level":"error","msg":"boom","user":"bob","tries":3,"ratio":0.5,"ctx":{"db":"orders","ids":[1,true,null]}}""");
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            protocol.WriteDeadLetter(items, items[0], writer);
        }

        var json = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();

        Assert.Equal("2026-11-23T09:29:59Z", json["time"]!.GetValue<string>());
        Assert.Equal("2026-11-23T09:30:00.123Z", json["observed_time"]!.GetValue<string>());
        Assert.Equal("ERROR", json["severity_text"]!.GetValue<string>());
        Assert.Equal(17, json["severity_number"]!.GetValue<int>());
        Assert.Equal("boom", json["body"]!.GetValue<string>());
        Assert.Equal("bob", json["attributes"]!["user"]!.GetValue<string>());
        Assert.Equal(3, json["attributes"]!["tries"]!.GetValue<long>());
        Assert.Equal(0.5, json["attributes"]!["ratio"]!.GetValue<double>());
        Assert.Equal("""{"db":"orders","ids":[1,true,null]}""", json["attributes"]!["ctx"]!.ToJsonString());
        Assert.Equal("/var/log/app/api.log", json["attributes"]!["log.file.path"]!.GetValue<string>());
    }

    [Fact]
    public async Task APartialSuccessIsCountedAsDeadLettersWithOneLineAndNothingIsSentAgain()
    {
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();
        receiver.RejectNext(3, "3 log records had an invalid severity");
        var file = new TrackedFile("/var/log/app/a.log", "app");
        var metrics = new SidecarMetrics();
        using var stderr = new StringWriter();
        var options = new ShippingOptions("otlp", 1000, 1024 * 1024, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), Gzip: true, CredentialsDir: null, Headers: []);
        var protocol = new OtlpLogsProtocol(new Uri(receiver.Endpoint, "/"), Pod, new LogRecordEncoder(), TimeProvider.System);
        using var sink = new ShippingSink(options, protocol, [], new DeadLetterWriter(stderr, TimeProvider.System), metrics.AddSink("otlp"), TimeProvider.System, NullLogger.Instance);
        var batch = Batch(file, [.. Enumerable.Range(1, 10).Select(n => $"line {n}")]);
        var preparer = Prepared.Preparer(file, parser: null, metrics);
        foreach (var record in batch.Records)
        {
            sink.Append(preparer.Prepare(batch, record));
        }

        await sink.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, receiver.Requests);
        Assert.Equal(7, receiver.Records.Count);
        Assert.Equal(3, receiver.Dropped);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var deadLetter = JsonNode.Parse(line)!.AsObject();
        Assert.Equal("dead-letter", deadLetter["component"]!.GetValue<string>());
        Assert.Equal("otlp", deadLetter["sink"]!.GetValue<string>());
        Assert.Equal(3, deadLetter["rejected_records"]!.GetValue<int>());
        Assert.Equal(10, deadLetter["request_records"]!.GetValue<int>());
        Assert.Contains("3 log records had an invalid severity", deadLetter["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var request = Assert.Single(deadLetter["request"]!.AsArray())!;
        Assert.Equal("/var/log/app/a.log", request["file"]!.GetValue<string>());
        Assert.Equal(0, request["first_offset"]!.GetValue<long>());
        Assert.Contains("logsidecar_sink_records_dead_lettered_total{sink=\"otlp\",reason=\"partial_success\"} 3", metrics.Render(), StringComparison.Ordinal);
        Assert.DoesNotContain("logsidecar_sink_records_retried_total{", metrics.Render(), StringComparison.Ordinal);
    }

    internal static ulong Nanos(DateTimeOffset time) => (ulong)((time.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100);

    private static IRecordParser? Parsers(TrackedFile file, string format) =>
        RecordParsers.Create(new StreamConfig { Name = file.Stream, Format = format }, RegexUse.None);

    private static (OtlpLogsProtocol Protocol, ShipItems Items) Encode(PodMetadata pod, IRecordParser? parser, TrackedFile file, params string[] lines)
    {
        var protocol = new OtlpLogsProtocol(new Uri("http://127.0.0.1:4318/"), pod, new LogRecordEncoder(), TimeProvider.System);
        var items = new ShipItems(64 * 1024);
        var batch = Batch(file, lines);
        var preparer = Prepared.Preparer(file, parser);
        foreach (var line in batch.Records)
        {
            var record = preparer.Prepare(batch, line);
            Assert.True(protocol.WorstCaseBytes(record) >= 0);
            var before = items.ByteCount;
            protocol.Encode(record, items);
            Assert.True(items.ByteCount - before <= protocol.WorstCaseBytes(record));
        }

        return (protocol, items);
    }

    private static byte[] Body(OtlpLogsProtocol protocol, ShipItems items)
    {
        var body = new ArrayBufferWriter<byte>();
        protocol.WriteBody(items, [.. Enumerable.Range(0, items.Count)], body);
        return body.WrittenSpan.ToArray();
    }

    private static LineBatch Batch(TrackedFile file, string[] lines)
    {
        var bytes = lines.Select(Encoding.UTF8.GetBytes).ToList();
        var batch = new LineBatch(file, Math.Max(1, bytes.Sum(b => b.Length + 1)), ReadTime) { Identity = new FileIdentity(8, 1234, 0, 42) };
        var offset = 0;
        foreach (var line in bytes)
        {
            line.CopyTo(batch.Buffer, offset);
            batch.Add(new LineRecord(offset, line.Length, offset, RecordFlags.None));
            offset += line.Length + 1;
        }

        return batch;
    }
}
