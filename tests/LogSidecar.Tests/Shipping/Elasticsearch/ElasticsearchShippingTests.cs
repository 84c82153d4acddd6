using System.Text.Json.Nodes;
using LogSidecar.Tests.Shipping.Receivers;

namespace LogSidecar.Tests.Shipping.Elasticsearch;

/// <summary>The real sidecar shipping to a loopback receiver that implements the _bulk API's documented semantics.</summary>
public class ElasticsearchShippingTests
{
    [Fact]
    public async Task EveryLineIsStoredOnceAsADocumentWithItsTimestampInTheDatedIndex()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(3000);
        await using var receiver = new ElasticsearchBulkReceiver();
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver, "app-%Y.%m"), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Empty(sidecar.Process.Lines);
        Assert.Equal(3000, receiver.Created);
        Assert.Equal(0, receiver.Conflicts);
        var numbers = receiver.Documents.Values.Select(LineNumber).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 3000).Select(n => (long)n), numbers);
        var (index, _) = receiver.Documents.Keys.First();
        Assert.Equal($"app-{DateTime.UtcNow:yyyy.MM}", index);
        Assert.All(receiver.Documents.Values, document => Assert.True(document.ContainsKey("@timestamp")));
    }

    internal static JsonObject Sink(ElasticsearchBulkReceiver receiver, string index = "logs-%Y.%m.%d") => new()
    {
        ["type"] = "elasticsearch",
        ["endpoint"] = receiver.Endpoint.ToString(),
        ["index"] = index,
    };

    internal static long LineNumber(JsonObject document) =>
        SidecarProcess.Numbers([document.ToJsonString()]).Single();
}
