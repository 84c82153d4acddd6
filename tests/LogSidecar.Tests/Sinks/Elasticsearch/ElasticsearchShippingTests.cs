using System.Text;
using System.Text.Json.Nodes;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Sinks.Elasticsearch;

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
        Assert.Equal(Enumerable.Range(1, 3000).Select(n => (long)n), receiver.Documents.Values.Select(LineNumber).Order());
        var (index, _) = receiver.Documents.Keys.First();
        Assert.Equal($"app-{DateTime.UtcNow:yyyy.MM}", index);
        Assert.All(receiver.Documents.Values, document => Assert.True(document.ContainsKey("@timestamp")));
    }

    [Fact]
    public async Task OnlyFailedItemsAreSentAgainAndPermanentRejectionsAreDeadLetteredWhileDeliveryGoesOn()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        await using var receiver = new ElasticsearchBulkReceiver
        {
            // Every 7th line is pushed back once (a full write queue), every 100th can never be indexed.
            ItemFaults = (_, document, attempt) => LineNumber(document) switch
            {
                var n when n % 100 == 0 => new BulkItemFault(400, "mapper_parsing_exception", "failed to parse field [message] of type [long]"),
                var n when n % 7 == 0 && attempt == 1 => new BulkItemFault(429, "es_rejected_execution_exception", "rejected execution of coordinating operation"),
                _ => null,
            },
        };
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var stored = receiver.Documents.Values.Select(LineNumber).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Where(n => n % 100 != 0).Select(n => (long)n), stored);
        foreach (var (key, document) in receiver.Documents)
        {
            var expected = LineNumber(document) % 7 == 0 ? 2 : 1;
            Assert.Equal(expected, receiver.Attempts(key.Id));
        }

        var deadLetters = ShippingSidecar.DeadLetters(sidecar.Process.Errors);
        Assert.Equal(Enumerable.Range(1, 10).Select(n => n * 100L), deadLetters.Select(d => LineNumber(d["record"]!.AsObject())).Order());
        Assert.All(deadLetters, d =>
        {
            Assert.Equal("elasticsearch", d["sink"]!.GetValue<string>());
            Assert.Contains("mapper_parsing_exception", d["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(log, d["file"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task ThrottlingUnavailabilityAndResetConnectionsAreRetriedHonouringRetryAfter()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        await using var receiver = new ElasticsearchBulkReceiver();
        receiver.FailNext(new RequestFault(429, RetryAfterSeconds: 1), new RequestFault(503), RequestFault.Reset);
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(500, receiver.Created);
        Assert.Empty(ShippingSidecar.DeadLetters(sidecar.Process.Errors));
        var errors = sidecar.Process.Errors;
        Assert.Contains("(status_429); retry 1 in 1.0 s", errors, StringComparison.Ordinal);
        Assert.Contains("(status_503)", errors, StringComparison.Ordinal);
        Assert.Contains("(network)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuringAnOutageReadingPausesMemoryStaysBoundedAndEverythingArrivesAfterwards()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await using var receiver = new ElasticsearchBulkReceiver();
        await receiver.StartAsync();
        var sink = Sink(receiver);
        await receiver.StopAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, sink);
        await writer.WriteAsync(200_000);
        await sidecar.Process.WaitForErrorOutputAsync("not delivered (network); retry 5 ");
        var duringOutage = ProcessMemory.ResidentBytes(sidecar.Process.Id);

        await receiver.StartAsync();
        await receiver.WaitUntilAsync(() => receiver.Created == 200_000, "every line");

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        Assert.Equal(0, receiver.Conflicts);
        Assert.Empty(ShippingSidecar.DeadLetters(sidecar.Process.Errors));

        // 20 MB of log waited on disk, not in the process: reading stopped at the first undelivered request.
        var file = new FileInfo(log).Length;
        Assert.True(duringOutage < 150L * 1024 * 1024, $"RSS during the outage was {duringOutage / 1024 / 1024} MB with a {file / 1024 / 1024} MB backlog on disk");
    }

    [Fact]
    public async Task KillNineMidShippingAndRestartStoresEveryLineOnceBecauseResentIdsAreDeduplicated()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(20_000);
        await using var receiver = new ElasticsearchBulkReceiver { ResponseDelay = TimeSpan.FromMilliseconds(20) };
        await receiver.StartAsync();
        var sink = Sink(receiver);
        sink["maxBatchRecords"] = 500;

        await using (var first = ShippingSidecar.Start(dir, log, sink))
        {
            await receiver.WaitUntilAsync(() => receiver.Created >= 5000, "a quarter of the lines");
            await first.Process.KillAsync();
        }

        await using var second = ShippingSidecar.Start(dir, log, sink, once: true);
        Assert.True(await second.Process.WaitForExitAsync() == 0, second.Process.Errors);

        Assert.Equal(20_000, receiver.Created);
        Assert.Equal(Enumerable.Range(1, 20_000).Select(n => (long)n), receiver.Documents.Values.Select(LineNumber).Order());
    }

    [Fact]
    public async Task RefusedCredentialsAreReadAgainFromTheSecretFilesAndNeverLogged()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(100);
        var secret = Directory.CreateDirectory(dir.File("secret")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secret, "username"), "shipper\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(secret, "password"), "old-password-1\n", TestContext.Current.CancellationToken);
        await using var receiver = new ElasticsearchBulkReceiver
        {
            RequiredAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("shipper:new-password-2")),
        };
        await receiver.StartAsync();
        var sink = Sink(receiver);
        sink["credentialsDir"] = secret;

        await using var sidecar = ShippingSidecar.Start(dir, log, sink);
        await sidecar.Process.WaitForErrorOutputAsync("credentials refused");
        Assert.Equal(0, receiver.Created);

        // The Secret is rotated: the kubelet updates the mounted files.
        await File.WriteAllTextAsync(Path.Combine(secret, "password"), "new-password-2\n", TestContext.Current.CancellationToken);
        await receiver.WaitUntilAsync(() => receiver.Created == 100, "every line with the new password");

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        Assert.DoesNotContain("password-", sidecar.Process.Errors, StringComparison.Ordinal);
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
