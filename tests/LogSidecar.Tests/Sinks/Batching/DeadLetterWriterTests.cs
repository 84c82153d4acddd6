using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Elasticsearch;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Batching;

/// <summary>The one dead-letter writer of the real sidecar, shared by sinks that reject at the same time.</summary>
public class DeadLetterWriterTests
{
    private const int LinesPerStream = 20_000;

    [Fact]
    public async Task TwoSinksRejectingAtOnceWriteEveryDeadLetterAsOneWholeJsonLine()
    {
        using var dir = new TempDirectory();
        await using var first = RejectingEverything();
        await using var second = RejectingEverything();
        await first.StartAsync();
        await second.StartAsync();
        JsonArray streams = [];
        JsonArray sinks = [];
        foreach (var (name, receiver) in new[] { ("a", first), ("b", second) })
        {
            var log = dir.File($"{name}.log");
            await File.WriteAllLinesAsync(log, Enumerable.Range(1, LinesPerStream).Select(n => $"line {n:D8} of {name}"), TestContext.Current.CancellationToken);
            var sink = ElasticsearchShippingTests.Sink(receiver);
            sink["name"] = name;
            sink["flushIntervalMs"] = 50;
            sinks.Add(sink);
            streams.Add(new JsonObject { ["name"] = name, ["paths"] = new JsonArray(log), ["sink"] = name });
        }

        var config = dir.File("config.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["mode"] = "ship", ["streams"] = streams, ["sinks"] = sinks, ["checkpointDir"] = dir.File("state") }.ToJsonString(), TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--config", config, "--once"]);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var lines = sidecar.Process.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.True(SidecarProcess.IsComplete(line), $"not one whole JSON line: {line}"));
        var deadLetters = ShippingSidecar.DeadLetters(sidecar.Process.Errors);
        foreach (var name in new[] { "a", "b" })
        {
            var offsets = deadLetters.Where(d => d["sink"]!.GetValue<string>() == name).Select(d => d["offset"]!.GetValue<long>()).ToList();
            Assert.Equal(LinesPerStream, offsets.Count);
            Assert.Equal(LinesPerStream, offsets.Distinct().Count());
        }
    }

    private static ElasticsearchBulkReceiver RejectingEverything() => new()
    {
        ItemFaults = (_, _, _) => new BulkItemFault(400, "mapper_parsing_exception", "failed to parse field [message] of type [long]"),
    };
}
