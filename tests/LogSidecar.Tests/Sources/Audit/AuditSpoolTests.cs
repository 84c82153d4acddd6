using System.Net;

namespace LogSidecar.Tests.Sources.Audit;

/// <summary>The spool's promise: what was answered 200 is delivered, whatever happens to the process, and delivered files go away.</summary>
public class AuditSpoolTests
{
    [Fact]
    public async Task KillNineRightAfterA200ThenRestartDeliversEveryAcceptedEvent()
    {
        using var endpoint = new AuditEndpoint();
        var flags = endpoint.Flags();
        var accepted = new List<string>();
        var delivered = new List<string>();

        await using (var first = SidecarProcess.Start(flags))
        {
            await AuditEndpoint.WaitListeningAsync(first);
            var client = endpoint.Client(endpoint.ClientCertificate);
            for (var batch = 0; batch < 20; batch++)
            {
                var ids = AuditEndpoint.Ids($"run1-b{batch:D2}", 100);
                Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(client, AuditEndpoint.EventList(ids))).Code);
                accepted.AddRange(ids);
            }

            // No wait for delivery: killed the moment the last 200 arrived.
            await first.Process.KillAsync();
            delivered.AddRange(AuditEndpoint.AuditIds(first.Process.Lines));
        }

        await using (var second = SidecarProcess.Start(flags))
        {
            await AuditEndpoint.WaitListeningAsync(second);
            var client = endpoint.Client(endpoint.ClientCertificate);
            var more = AuditEndpoint.Ids("run2", 100);
            Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(client, AuditEndpoint.EventList(more))).Code);
            accepted.AddRange(more);
            await second.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Contains(more[^1]) && AuditEndpoint.AuditIds(lines).Union(delivered).Distinct().Count() >= accepted.Count, "every accepted event");
            delivered.AddRange(AuditEndpoint.AuditIds(second.Process.Lines));
        }

        Assert.Empty(accepted.Except(delivered));
        Assert.Empty(delivered.Except(accepted));
    }

    [Fact]
    public async Task SpoolFilesAreRotatedAtTheirSizeAndRemovedOnceTheSavedCheckpointCoversThem()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();
        var config = endpoint.Directory.File("config.json");
        await File.WriteAllTextAsync(config, """{ "checkpointIntervalMs": 100, "sources": { "audit": { "spoolFileBytes": 65536 } } }""", TestContext.Current.CancellationToken);
        await using var sidecar = SidecarProcess.Start(["--config", config, .. endpoint.Flags(), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);
        var client = endpoint.Client(token: AuditEndpoint.Token);

        // About 50 KiB each: every batch after the first starts a new file.
        var ids = new List<string>();
        for (var batch = 0; batch < 6; batch++)
        {
            var batchIds = AuditEndpoint.Ids($"rot{batch}", 10);
            Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(client, AuditEndpoint.EventList(batchIds, padding: 4500))).Code);
            ids.AddRange(batchIds);
        }

        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= ids.Count, "every event");
        var scraped = await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_spool_files_removed_total") == 5, "the 5 closed files removed", sidecar.Process);

        // The file being written stays; everything in it was delivered too.
        Assert.Single(Directory.GetFiles(endpoint.Spool, "audit-*.jsonl"));
        Assert.Equal(1, MetricsEndpoint.Value(scraped, "logsidecar_audit_spool_files"));
        // Each once; files are read side by side, so batches of different files may interleave.
        Assert.Equal(ids, AuditEndpoint.AuditIds(sidecar.Process.Lines).Order(StringComparer.Ordinal));
    }
}
