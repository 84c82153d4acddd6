using System.Globalization;
using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Loki;

/// <summary>The real sidecar shipping to a loopback receiver that implements Loki's push API.</summary>
public class LokiShippingTests
{
    [Fact]
    public async Task EveryLineArrivesOnceInThePodsStreamWithTheRecordJsonAsTheLineAndItsReadTime()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(3000);
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true, environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Empty(sidecar.Process.Lines);
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        var entries = receiver.Entries.ToList();
        Assert.Equal(Enumerable.Range(1, 3000).Select(n => (long)n), entries.SelectMany(e => SidecarProcess.Numbers([e.Line])).Order());
        var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = "shop", ["pod"] = "web-7d9f", ["container"] = "web", ["stream"] = "app" };
        Assert.All(entries, entry =>
        {
            Assert.Equal(expected, entry.Labels);
            var line = JsonNode.Parse(entry.Line)!.AsObject();
            Assert.Equal(log, line["file"]!.GetValue<string>());
            Assert.Equal("web-7d9f", line["kubernetes"]!["pod_name"]!.GetValue<string>());

            // The line's time is the read time in milliseconds; the entry keeps it to the tick.
            var time = DateTimeOffset.Parse(line["time"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.Equal(time.ToUnixTimeMilliseconds(), entry.UnixNanos / 1_000_000);
        });
    }

    [Fact]
    public async Task ParsedTimesAreTheEntryTimestampsAndTheConfiguredLabelsNameTheNodeAndTheFile()
    {
        using var dir = new TempDirectory();
        var log = dir.File("api.log");
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        await File.WriteAllLinesAsync(log, Enumerable.Range(1, 200).Select(n => ShippingSidecar.JsonLine(start.AddMilliseconds(n * 1.5), "info", $"request {n}")), TestContext.Current.CancellationToken);
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();
        var sink = Sink(receiver);
        sink["labels"] = new JsonArray("namespace", "node", "file");
        sink["compression"] = "none";

        await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true, flags: ["--format", "json"], environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var entries = receiver.Entries.ToList();
        Assert.Equal(200, entries.Count);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = "shop", ["node_name"] = "node-a", ["filename"] = log };
        Assert.All(entries, entry => Assert.Equal(expected, entry.Labels));
        foreach (var entry in entries)
        {
            var line = JsonNode.Parse(entry.Line)!.AsObject();
            var n = int.Parse(line["message"]!.GetValue<string>().Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.Equal((start.AddMilliseconds(n * 1.5) - DateTimeOffset.UnixEpoch).Ticks * 100, entry.UnixNanos);
            Assert.Equal("INFO", line["severity_text"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task WithSnappyThePushIsProtobufAndEveryLineArrivesWithItsLabelsAndExactTime()
    {
        using var dir = new TempDirectory();
        var log = dir.File("api.log");
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        await File.WriteAllLinesAsync(log, Enumerable.Range(1, 1000).Select(n => ShippingSidecar.JsonLine(start.AddTicks(n * 12_345), "error", $"request {n}")), TestContext.Current.CancellationToken);
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();
        receiver.FailNext(new RequestFault(503));
        var sink = Sink(receiver);
        sink["compression"] = "snappy";
        sink["labels"] = new JsonArray("namespace", "pod", "file");

        await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true, flags: ["--format", "json"], environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.True(receiver.ProtobufRequests >= 1);
        var entries = receiver.Entries.ToList();
        Assert.Equal(1000, entries.Count);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = "shop", ["pod"] = "web-7d9f", ["filename"] = log };
        foreach (var entry in entries)
        {
            Assert.Equal(expected, entry.Labels);
            var line = JsonNode.Parse(entry.Line)!.AsObject();
            var n = int.Parse(line["message"]!.GetValue<string>().Split(' ')[1], CultureInfo.InvariantCulture);
            Assert.Equal((start.AddTicks(n * 12_345) - DateTimeOffset.UnixEpoch).Ticks * 100, entry.UnixNanos);
        }
    }

    [Fact]
    public async Task A429WithRetryAfterAndA503AreWaitedOutAndEveryLineArrivesOnceWithNothingDeadLettered()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();
        receiver.FailNext(new RequestFault(429, RetryAfterSeconds: 1), new RequestFault(503));

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true, environment: ShippingSidecar.Pod);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 500).Select(n => (long)n), receiver.Entries.SelectMany(e => SidecarProcess.Numbers([e.Line])).Order());
        Assert.True(receiver.Requests >= 3, $"{receiver.Requests} requests");
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.Contains("status_429", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMultiTenantLokiGetsTheConfiguredTenantOnEveryPush()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        await using var receiver = new LokiPushReceiver { AuthEnabled = true };
        await receiver.StartAsync();
        var sink = Sink(receiver);
        sink["tenant"] = "team-shop";
        sink["maxBatchRecords"] = 100;

        await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(1000, receiver.Entries.Count);
        Assert.True(receiver.Tenants.Count >= 10);
        Assert.All(receiver.Tenants, tenant => Assert.Equal("team-shop", tenant));
    }

    [Fact]
    public async Task AResetConnectionIsRetriedAndEveryLineArrives()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(300);
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();
        receiver.FailNext(RequestFault.Reset, RequestFault.Reset);

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 300).Select(n => (long)n), receiver.Entries.SelectMany(e => SidecarProcess.Numbers([e.Line])).Order());
        Assert.DoesNotContain("dead-letter", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfOrderEntriesAreDeadLetteredWithLokisReasonNeverResentAndLaterRecordsStillArrive()
    {
        using var dir = new TempDirectory();
        var log = dir.File("api.log");
        var start = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
        await File.WriteAllLinesAsync(log, [ShippingSidecar.JsonLine(start.AddSeconds(10), "info", "first"), ShippingSidecar.JsonLine(start.AddSeconds(5), "warn", "second"), ShippingSidecar.JsonLine(start.AddSeconds(11), "info", "third")], TestContext.Current.CancellationToken);
        await using var receiver = new LokiPushReceiver { UnorderedWrites = false };
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), flags: ["--format", "json"], environment: ShippingSidecar.Pod);
        await sidecar.Process.WaitForErrorOutputAsync("\"message\":\"second\"");
        await File.AppendAllLinesAsync(log, [ShippingSidecar.JsonLine(start.AddSeconds(12), "info", "fourth")], TestContext.Current.CancellationToken);
        await receiver.WaitUntilAsync(() => receiver.Entries.Any(e => e.Line.Contains("\"fourth\"", StringComparison.Ordinal)), "the record written after the refusal");

        // Loki stored what it could (a partial ingest) and refused "second" once: nothing was resent.
        Assert.Equal("second", Message(Assert.Single(receiver.Refused).Line));
        Assert.Equal(1, receiver.Entries.Count(e => e.Line.Contains("\"first\"", StringComparison.Ordinal)));
        var deadLetters = ShippingSidecar.DeadLetters(sidecar.Process.Errors);
        var second = Assert.Single(deadLetters, d => d["record"]!["message"]!.GetValue<string>() == "second");
        Assert.Equal("loki", second["sink"]!.GetValue<string>());
        Assert.Equal(log, second["file"]!.GetValue<string>());
        var reason = second["reason"]!.GetValue<string>();
        Assert.StartsWith("400 from Loki push: entry with timestamp", reason, StringComparison.Ordinal);
        Assert.Contains("entry out of order", reason, StringComparison.Ordinal);
        Assert.Contains("unordered_writes", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(deadLetters, d => d["record"]!["message"]!.GetValue<string>() == "fourth");
    }

    internal static JsonObject Sink(LoopbackHttpReceiver receiver) => new()
    {
        ["type"] = "loki",
        ["endpoint"] = receiver.Endpoint.ToString(),
    };

    private static string Message(string line) => JsonNode.Parse(line)!["message"]!.GetValue<string>();
}
