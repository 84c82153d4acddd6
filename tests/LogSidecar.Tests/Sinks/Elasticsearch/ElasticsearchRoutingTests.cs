using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Elasticsearch;

/// <summary>Where records go (both, per stream), request sizes the backend refuses, and TLS with a private CA.</summary>
public class ElasticsearchRoutingTests
{
    [Fact]
    public async Task InModeBothEveryRecordReachesStdoutAndTheBackend()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(2000);
        await using var receiver = new ElasticsearchBulkReceiver();
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), mode: "both", once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 2000).Select(n => (long)n), SidecarProcess.Numbers(sidecar.Process.Lines));
        Assert.Equal(Enumerable.Range(1, 2000).Select(n => (long)n), receiver.Documents.Values.Select(ElasticsearchShippingTests.LineNumber).Order());
    }

    [Fact]
    public async Task EachStreamGoesWhereItsConfigurationSays()
    {
        using var dir = new TempDirectory();
        await using var shipped = LogWriterProcess.Start(dir.File("shipped.log"));
        await using var local = LogWriterProcess.Start(dir.File("local.log"));
        await shipped.WriteAsync(300);
        await local.WriteAsync(200);
        await using var receiver = new ElasticsearchBulkReceiver();
        await receiver.StartAsync();
        var config = new JsonObject
        {
            ["mode"] = "ship",
            ["sinks"] = new JsonArray(new JsonObject { ["name"] = "es", ["type"] = "elasticsearch", ["endpoint"] = receiver.Endpoint.ToString(), ["flushIntervalMs"] = 50 }),
            ["streams"] = new JsonArray(
                new JsonObject { ["name"] = "shipped", ["paths"] = new JsonArray(dir.File("shipped.log")), ["sink"] = "es" },
                new JsonObject { ["name"] = "local", ["paths"] = new JsonArray(dir.File("local.log")), ["mode"] = "stdout" }),
        };
        await File.WriteAllTextAsync(dir.File("config.json"), config.ToJsonString(), TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--config", dir.File("config.json"), "--checkpoint-dir", dir.File("state"), "--once"]);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), SidecarProcess.Numbers(sidecar.Process.Lines));
        Assert.All(sidecar.Process.Lines, line => Assert.Contains("\"stream\":\"local\"", line, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 300).Select(n => (long)n), receiver.Documents.Values.Select(ElasticsearchShippingTests.LineNumber).Order());
        Assert.All(receiver.Documents.Values, document => Assert.Equal("shipped", document["stream"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ARequestTooLargeIsSplitAndOnlyARecordTooLargeOnItsOwnIsDeadLettered()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        await File.AppendAllTextAsync(log, "line 00001001 " + new string('x', 60_000) + "\n", TestContext.Current.CancellationToken);
        await using var receiver = new ElasticsearchBulkReceiver { MaxContentLength = 50_000 };
        await receiver.StartAsync();
        var sink = ElasticsearchShippingTests.Sink(receiver);
        sink["compression"] = "none";
        sink["maxBatchRecords"] = 2000;

        await using var sidecar = ShippingSidecar.Start(dir, log, sink, once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n), receiver.Documents.Values.Select(ElasticsearchShippingTests.LineNumber).Order());
        Assert.Contains("too large (413); sending at most", sidecar.Process.Errors, StringComparison.Ordinal);
        var deadLetter = Assert.Single(sidecar.Process.Errors.Split('\n'), line => line.Contains("\"component\":\"dead-letter\"", StringComparison.Ordinal));
        Assert.Contains("http.max_content_length", deadLetter, StringComparison.Ordinal);
        Assert.Contains("line 00001001", deadLetter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttpsTheBackendIsTrustedThroughTheCaFileAndAnotherCaIsRefused()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(100);
        using var certificates = TestCertificates.Create("backend");
        using var stranger = TestCertificates.Create("stranger");
        await using var receiver = new ElasticsearchBulkReceiver { Certificate = certificates.Server };
        await receiver.StartAsync();

        var refused = ElasticsearchShippingTests.Sink(receiver);
        refused["caFile"] = stranger.WriteAuthorityPem(dir.File("stranger.pem"));
        await using (var untrusting = ShippingSidecar.Start(dir, log, refused))
        {
            await untrusting.Process.WaitForErrorOutputAsync("TLS handshake failed");
            Assert.Equal(0, receiver.Created);
        }

        var trusted = ElasticsearchShippingTests.Sink(receiver);
        trusted["caFile"] = certificates.WriteAuthorityPem(dir.File("ca.pem"));
        await using var sidecar = ShippingSidecar.Start(dir, log, trusted, once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(100, receiver.Created);
    }
}
