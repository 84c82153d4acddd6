using System.Globalization;
using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Otlp;

/// <summary>The real sidecar shipping to a loopback receiver that implements OTLP/HTTP logs.</summary>
public class OtlpShippingTests
{
    [Fact]
    public async Task EveryLineArrivesOnceWithThePodAsResourceAndTheFileAndStreamAsAttributes()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(3000);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true, environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Empty(sidecar.Process.Lines);
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        var records = receiver.Records.ToList();
        Assert.Equal(Enumerable.Range(1, 3000).Select(n => (long)n), records.Select(r => long.Parse(r.Body.Split(' ')[1], CultureInfo.InvariantCulture)).Order());
        Assert.All(records, record =>
        {
            Assert.StartsWith("line ", record.Body, StringComparison.Ordinal);
            Assert.Equal("shop", record.Resource["k8s.namespace.name"]);
            Assert.Equal("web-7d9f", record.Resource["k8s.pod.name"]);
            Assert.Equal("6f1c2a54-0d7e-4b8e-9a43-2f1b8e0c7d11", record.Resource["k8s.pod.uid"]);
            Assert.Equal("web", record.Resource["k8s.container.name"]);
            Assert.Equal("node-a", record.Resource["k8s.node.name"]);
            Assert.Equal("logsidecar", record.Scope);
            Assert.Equal(log, record.Attributes["log.file.path"]);
            Assert.Equal("app", record.Attributes["logsidecar.stream"]);
            Assert.Equal(0UL, record.TimeUnixNanos);
            Assert.NotEqual(0UL, record.ObservedTimeUnixNanos);
        });
    }

    [Fact]
    public async Task ParsedRecordsArriveWithTheirTimeSeverityMessageAndFields()
    {
        using var dir = new TempDirectory();
        var log = dir.File("api.log");
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        string[] levels = ["debug", "info", "warn", "error"];
        await File.WriteAllLinesAsync(log, Enumerable.Range(1, 400).Select(n => ShippingSidecar.JsonLine(start.AddMilliseconds(n), levels[n % 4], $"request {n}")), TestContext.Current.CancellationToken);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();
        var sink = Sink(receiver);
        sink["compression"] = "none";

        await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true, flags: ["--format", "json"], environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var records = receiver.Records.ToList();
        Assert.Equal(400, records.Count);
        foreach (var record in records)
        {
            var n = int.Parse(record.Body.Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.Equal(OtlpLogsProtocolTests.Nanos(start.AddMilliseconds(n)), record.TimeUnixNanos);
            Assert.Equal((5 + (4 * (n % 4)), levels[n % 4].ToUpperInvariant()), (record.SeverityNumber, record.SeverityText));
        }
    }

    [Fact]
    public async Task FieldsArriveWithTheirJsonTypesAsTypedAttributes()
    {
        using var dir = new TempDirectory();
        var log = dir.File("api.log");
        await File.WriteAllLinesAsync(
            log,
            Enumerable.Range(1, 300).Select(n => $$"""{"msg":"request {{n}}","duration_ms":{{n}},"ratio":{{n}}.5,"cached":{{(n % 2 == 0 ? "true" : "false")}},"user":{"id":"u{{n}}","roles":["admin",{{n}}]},"trace":null}"""),
            TestContext.Current.CancellationToken);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true, flags: ["--format", "json"]);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var records = receiver.Records.ToList();
        Assert.Equal(300, records.Count);
        foreach (var record in records)
        {
            var n = int.Parse(record.Body.Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.Equal($"int:{n}", record.TypedAttributes["duration_ms"]);
            Assert.Equal($"double:{n}.5", record.TypedAttributes["ratio"]);
            Assert.Equal(n % 2 == 0 ? "bool:true" : "bool:false", record.TypedAttributes["cached"]);
            Assert.Equal($"kvlist:{{id=string:u{n},roles=array:[string:admin,int:{n}]}}", record.TypedAttributes["user"]);
            Assert.Equal("empty", record.TypedAttributes["trace"]);
            Assert.Equal("string:app", record.TypedAttributes["logsidecar.stream"]);
        }
    }

    [Fact]
    public async Task A503WithRetryAfterAndAResetConnectionAreRetriedAndEveryLineArrivesOnceWithNothingDeadLettered()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();
        receiver.FailNext(new RequestFault(503, RetryAfterSeconds: 1), RequestFault.Reset, new RequestFault(429));

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), receiver.Records.Select(r => long.Parse(r.Body.Split(' ')[1], CultureInfo.InvariantCulture)).Order());
        Assert.True(receiver.Requests >= 4, $"{receiver.Requests} requests");
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.Contains("status_503", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadRequestIsDeadLetteredWithTheCollectorsStatusMessageNeverResentAndLaterRecordsStillArrive()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(20);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();
        receiver.FailNext(new RequestFault(400));

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), environment: ShippingSidecar.Pod);
        await sidecar.Process.WaitForErrorOutputAsync("line 00000020");
        var requests = receiver.Requests;
        await writer.WriteAsync(5);
        await receiver.WaitUntilAsync(() => receiver.Records.Count >= 5, "the records written after the refusal");

        Assert.Equal([21L, 22, 23, 24, 25], receiver.Records.Select(r => long.Parse(r.Body.Split(' ')[1], CultureInfo.InvariantCulture)).Order());
        Assert.True(receiver.Requests > requests);
        var deadLetters = ShippingSidecar.DeadLetters(sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"line {n:D8}"), deadLetters.Select(d => d["record"]!["body"]!.GetValue<string>()[..13]));
        Assert.All(deadLetters, deadLetter =>
        {
            Assert.Equal("otlp", deadLetter["sink"]!.GetValue<string>());
            Assert.Equal(log, deadLetter["file"]!.GetValue<string>());
            Assert.Equal("400 from OTLP /v1/logs: injected: status 400, log record field 'body' is invalid", deadLetter["reason"]!.GetValue<string>());
            Assert.Equal(log, deadLetter["record"]!["attributes"]!["log.file.path"]!.GetValue<string>());
            Assert.NotNull(deadLetter["record"]!["observed_time"]);
        });
    }

    [Fact]
    public async Task APartialSuccessIsReportedAsOneDeadLetterLineWithTheCountAndNothingIsSentAgain()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(50);
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();
        receiver.RejectNext(4, "4 log records were larger than the exporter's limit");

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(1, receiver.Requests);
        Assert.Equal(46, receiver.Records.Count);
        var deadLetter = Assert.Single(ShippingSidecar.DeadLetters(sidecar.Process.Errors));
        Assert.Equal(4, deadLetter["rejected_records"]!.GetValue<int>());
        Assert.Equal(50, deadLetter["request_records"]!.GetValue<int>());
        Assert.Contains("4 log records were larger than the exporter's limit", deadLetter["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var request = Assert.Single(deadLetter["request"]!.AsArray())!;
        Assert.Equal(log, request["file"]!.GetValue<string>());
        Assert.Equal(0, request["first_offset"]!.GetValue<long>());
        var lines = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
        Assert.Equal(lines[..49].Sum(line => line.Length + 1), request["last_offset"]!.GetValue<long>());
    }

    internal static JsonObject Sink(LoopbackHttpReceiver receiver) => new()
    {
        ["type"] = "otlp",
        ["endpoint"] = receiver.Endpoint.ToString(),
    };
}
