using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Loki;
using LogSidecar.Tests.Sinks.Otlp;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks;

/// <summary>
/// The real sidecar with streams bound to the app containers that write them (<c>streams[].container</c>):
/// each record names its stream's container, and a stream that names none takes <c>CONTAINER_NAME</c>.
/// </summary>
public class PodMetadataTests
{
    private static readonly Dictionary<string, string> ContainerOfFile = new(StringComparer.Ordinal)
    {
        ["web.log"] = "web",
        ["worker.log"] = "worker",
        ["other.log"] = "from-environment",
    };

    [Fact]
    public async Task StdoutRecordsNameTheContainerOfTheirStream()
    {
        var lines = await RunAsync("stdout", sink: null);

        var records = lines.Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal(30, records.Count);
        Assert.All(records, record =>
        {
            var file = Path.GetFileName((string)record["file"]!)!;
            Assert.Equal(ContainerOfFile[file], (string?)record["kubernetes"]!["container_name"]);
            Assert.Equal("web-7d9f", (string?)record["kubernetes"]!["pod_name"]);
        });
    }

    [Fact]
    public async Task LokiStreamsCarryTheContainerOfTheirStreamAsTheContainerLabel()
    {
        await using var receiver = new LokiPushReceiver();
        await receiver.StartAsync();

        await RunAsync("ship", LokiShippingTests.Sink(receiver));

        var entries = receiver.Entries.ToList();
        Assert.Equal(30, entries.Count);
        Assert.All(entries, entry =>
        {
            var file = Path.GetFileName((string)JsonNode.Parse(entry.Line)!["file"]!)!;
            Assert.Equal(ContainerOfFile[file], entry.Labels["container"]);
        });
    }

    [Fact]
    public async Task OtlpRecordsOfEachContainerArriveUnderAResourceNamingIt()
    {
        await using var receiver = new OtlpLogsReceiver();
        await receiver.StartAsync();

        await RunAsync("ship", OtlpShippingTests.Sink(receiver));

        var records = receiver.Records.ToList();
        Assert.Equal(30, records.Count);
        Assert.All(records, record =>
        {
            Assert.Equal(ContainerOfFile[Path.GetFileName(record.Attributes["log.file.path"])], record.Resource["k8s.container.name"]);
            Assert.Equal("web-7d9f", record.Resource["k8s.pod.name"]);
        });
    }

    /// <summary>Runs the sidecar once over the three files and returns its stdout lines.</summary>
    private static async Task<IReadOnlyList<string>> RunAsync(string mode, JsonObject? sink)
    {
        using var dir = new TempDirectory();
        var config = Config(dir, mode, sink);
        await using var sidecar = SidecarProcess.Start(["--config", config, "--checkpoint-dir", dir.File("state"), "--once"], environment: Environment());
        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        return [.. sidecar.Process.Lines];
    }

    private static Dictionary<string, string> Environment() => new(ShippingSidecar.Pod, StringComparer.Ordinal) { ["CONTAINER_NAME"] = "from-environment" };

    /// <summary>Ten lines in each of three files; two streams bound to a container, one not.</summary>
    private static string Config(TempDirectory dir, string mode, JsonObject? sink)
    {
        foreach (var file in ContainerOfFile.Keys)
        {
            File.WriteAllLines(dir.File(file), Enumerable.Range(1, 10).Select(n => $"{file} line {n}"));
        }

        var config = new JsonObject
        {
            ["mode"] = mode,
            ["streams"] = new JsonArray(
                new JsonObject { ["name"] = "web", ["paths"] = new JsonArray(dir.File("web.log")), ["container"] = "web" },
                new JsonObject { ["name"] = "worker", ["paths"] = new JsonArray(dir.File("worker.log")), ["container"] = "worker" },
                new JsonObject { ["name"] = "other", ["paths"] = new JsonArray(dir.File("other.log")) }),
        };
        if (sink is not null)
        {
            sink["flushIntervalMs"] = 50;
            config["sinks"] = new JsonArray(sink);
        }

        var path = dir.File("config.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
