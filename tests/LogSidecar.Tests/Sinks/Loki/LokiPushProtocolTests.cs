using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Sinks;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Sinks.Loki;
using LogSidecar.Tests.Parsing;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Loki;

/// <summary>The push body's layout and what Loki's answers mean, without a process.</summary>
public class LokiPushProtocolTests
{
    private static readonly DateTimeOffset ReadTime = new(2026, 11, 23, 9, 30, 0, 123, TimeSpan.Zero);
    private static readonly PodMetadata Pod = new("web-7d9f", "shop", null, null, "web");

    [Fact]
    public void RecordsOfInterleavedFilesGoToOneStreamPerLabelSetInTheOrderTheyWereRead()
    {
        var access = new TrackedFile("/var/log/app/access.log", "access");
        var error = new TrackedFile("/var/log/app/error.log", "error");
        var (protocol, items) = Encode(["namespace", "pod", "stream"], (access, "GET /a"), (error, "boom \"1\""), (access, "GET /b"), (error, "boom 2"));

        var push = JsonNode.Parse(Body(protocol, items))!["streams"]!.AsArray();

        Assert.Equal(2, push.Count);
        Assert.Equal("""{"namespace":"shop","pod":"web-7d9f","stream":"access"}""", push[0]!["stream"]!.ToJsonString());
        Assert.Equal("""{"namespace":"shop","pod":"web-7d9f","stream":"error"}""", push[1]!["stream"]!.ToJsonString());
        Assert.Equal(["GET /a", "GET /b"], Messages(push[0]!));
        Assert.Equal(["boom \"1\"", "boom 2"], Messages(push[1]!));
        var nanos = ((ReadTime.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(push.SelectMany(s => s!["values"]!.AsArray()), value => Assert.Equal(nanos, value![0]!.GetValue<string>()));
    }

    [Fact]
    public void WithoutAnyKnownPodFactTheStreamNameIsTheOnlyLabel()
    {
        var file = new TrackedFile("/var/log/app/a.log", "app");
        var labels = new LokiLabelSets(["namespace", "pod"], new PodMetadata(null, null, null, null, null));

        Assert.Equal("""{"stream":"app"}""", Encoding.UTF8.GetString(labels.Json(labels.For(file))));
    }

    [Fact]
    public void TheProtobufPushIsSnappyCompressedWithOneStreamPerSelectorAndExactTimestamps()
    {
        var access = new TrackedFile("/var/log/app/we\"ird\\.log", "access");
        var error = new TrackedFile("/var/log/app/error.log", "error");
        var labels = new LokiLabelSets(["stream", "file"], Pod);
        var formatter = new JsonRecordFormatter(new OutputOptions(Json: true, Split: false, int.MaxValue / 4), Pod, new SidecarMetrics());
        var protocol = new LokiProtobufProtocol(new Uri("http://127.0.0.1:3100/"), labels, formatter, TimeProvider.System);
        var items = new ShipItems(64 * 1024);
        foreach (var (file, line) in new[] { (access, "GET /a"), (error, "boom"), (access, "GET /b") })
        {
            var batch = Batch(file, line);
            protocol.Encode(Prepared.Of(batch), items);
        }

        var body = new ArrayBufferWriter<byte>();
        protocol.WriteBody(items, [0, 1, 2], body);
        var streams = OtlpWire.Fields(Snappier.Snappy.DecompressToArray(body.WrittenSpan)).Select(f => OtlpWire.Fields(f.Bytes)).ToList();

        Assert.Equal(2, streams.Count);
        Assert.Equal("{stream=\"access\", filename=\"/var/log/app/we\\\"ird\\\\.log\"}", OtlpWire.Text(streams[0].Single(f => f.Field == 1).Bytes));
        Assert.Equal("{stream=\"error\", filename=\"/var/log/app/error.log\"}", OtlpWire.Text(streams[1].Single(f => f.Field == 1).Bytes));
        var entries = streams[0].Where(f => f.Field == 2).Select(f => OtlpWire.Fields(f.Bytes)).ToList();
        Assert.Equal(["GET /a", "GET /b"], entries.Select(e => JsonNode.Parse(OtlpWire.Text(e.Single(f => f.Field == 2).Bytes))!["message"]!.GetValue<string>()));
        var timestamp = OtlpWire.Fields(entries[0].Single(f => f.Field == 1).Bytes);
        Assert.Equal((ulong)ReadTime.ToUnixTimeSeconds(), timestamp.Single(f => f.Field == 1).Number);
        Assert.Equal(123_000_000UL, timestamp.Single(f => f.Field == 2).Number);

        var deadLetter = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(deadLetter))
        {
            protocol.WriteDeadLetter(items, items[1], writer);
        }

        Assert.Equal("boom", JsonNode.Parse(deadLetter.WrittenSpan)!["message"]!.GetValue<string>());
    }

    [Fact]
    public void ADeadLetterIsTheRecordsJsonObject()
    {
        var file = new TrackedFile("/var/log/app/a.log", "app");
        var (protocol, items) = Encode(["stream"], (file, "tab\there \"quoted\" \\ back"));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            protocol.WriteDeadLetter(items, items[0], writer);
        }

        var record = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();

        Assert.Equal("tab\there \"quoted\" \\ back", record["message"]!.GetValue<string>());
        Assert.Equal("/var/log/app/a.log", record["file"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(204, nameof(ItemVerdict.Delivered))]
    [InlineData(200, nameof(ItemVerdict.Delivered))]
    [InlineData(260, nameof(ItemVerdict.Rejected))]
    [InlineData(202, nameof(ItemVerdict.Rejected))]
    [InlineData(400, nameof(ItemVerdict.Rejected))]
    [InlineData(413, nameof(ItemVerdict.Rejected))]
    [InlineData(401, nameof(ItemVerdict.Retry))]
    [InlineData(429, nameof(ItemVerdict.Retry))]
    [InlineData(500, nameof(ItemVerdict.Retry))]
    [InlineData(503, nameof(ItemVerdict.Retry))]
    public void OnlyTwoHundredAndTwoHundredFourAreDeliveredAndOnly429AndServerErrorsAreRetried(int status, string expected) =>
        Assert.Equal(expected, ResponseClassifier.ForLokiPush((HttpStatusCode)status).ToString());

    [Theory]
    [InlineData(400, "entry with timestamp 2026-11-23 08:00:05 +0000 UTC ignored, reason: 'entry out of order' for stream: {pod=\"a\"}", "out_of_order", "unordered_writes")]
    [InlineData(400, "entry with timestamp 2026-11-23 08:00:05 +0000 UTC ignored, reason: 'entry too far behind, entry timestamp is: 2026-11-23T08:00:05Z, oldest acceptable timestamp is: 2026-11-23T09:00:00Z' for stream: {pod=\"a\"}", "out_of_order", "max_chunk_age")]
    [InlineData(400, "entry for stream '{pod=\"a\"}' has timestamp too old: 2026-10-01T00:00:00Z, oldest acceptable timestamp is: 2026-11-16T09:00:00Z", "too_old", "reject_old_samples_max_age")]
    [InlineData(400, "greater_than_max_sample_age", "too_old", "reject_old_samples")]
    [InlineData(400, "Max entry size '262144' bytes exceeded for stream '{pod=\"a\"}' while adding an entry with length '300000' bytes", "status_400", "none is sent again")]
    [InlineData(260, "ingestion blocked for user fake until '2026-11-24T00:00:00Z' with status code '260'", "blocked", "block_ingestion_until")]
    public void ARefusalIsExplainedWithLokisMessageAndTheSettingToChange(int status, string message, string label, string advice)
    {
        var answer = LokiPushAnswer.Explain((HttpStatusCode)status, message);

        Assert.Equal(label, answer.Label);
        Assert.StartsWith($"{status} from Loki push: {message}", answer.Detail, StringComparison.Ordinal);
        Assert.Contains(advice, answer.Detail, StringComparison.Ordinal);
    }

    private static (LokiPushProtocol Protocol, ShipItems Items) Encode(List<string> labels, params (TrackedFile File, string Line)[] records)
    {
        var metrics = new SidecarMetrics();
        var formatter = new JsonRecordFormatter(new OutputOptions(Json: true, Split: false, int.MaxValue / 4), Pod, metrics);
        var protocol = new LokiPushProtocol(new Uri("http://127.0.0.1:3100/"), new LokiLabelSets(labels, Pod), formatter, TimeProvider.System);
        var items = new ShipItems(64 * 1024);
        var offset = 0L;
        foreach (var (file, line) in records)
        {
            var batch = Batch(file, line, offset);
            var before = items.ByteCount;
            protocol.Encode(Prepared.Of(batch), items);
            Assert.True(items.ByteCount - before <= protocol.WorstCaseBytes(Prepared.Of(batch)));
            offset += Encoding.UTF8.GetByteCount(line) + 1;
        }

        return (protocol, items);
    }

    private static LineBatch Batch(TrackedFile file, string line, long offset = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var batch = new LineBatch(file, bytes.Length + 1, ReadTime) { Identity = new FileIdentity(8, (ulong)file.Path.Length, 0, 42) };
        bytes.CopyTo(batch.Buffer, 0);
        batch.Add(new LineRecord(0, bytes.Length, offset, RecordFlags.None));
        return batch;
    }

    private static byte[] Body(LokiPushProtocol protocol, ShipItems items)
    {
        var body = new ArrayBufferWriter<byte>();
        protocol.WriteBody(items, [.. Enumerable.Range(0, items.Count)], body);
        return body.WrittenSpan.ToArray();
    }

    private static List<string> Messages(JsonNode stream) =>
        [.. stream["values"]!.AsArray().Select(value => JsonNode.Parse(value![1]!.GetValue<string>())!["message"]!.GetValue<string>())];
}
