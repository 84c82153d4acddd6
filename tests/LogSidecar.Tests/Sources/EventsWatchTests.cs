using System.Text.Json;
using LogSidecar.Sources.Events;
using LogSidecar.Sources.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Tests.Sources;

public sealed class EventsWatchTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = TestCertificates.Create("kubernetes");
    private readonly TempDirectory _dir = new();
    private KubernetesApiStandIn _api = null!;
    private KubernetesApiClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = new KubernetesApiStandIn(_certificates);
        await _api.StartAsync();
        var access = ClusterAccess.Find(_api.WriteKubeconfig(_dir.Path));
        Assert.Null(access.Error);
        _client = new KubernetesApiClient(access.Access!, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        _dir.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task EachOccurrenceIsShippedOnceAndOtherUpdatesAreNot()
    {
        var pulled = _api.AddEvent("shop", "Pulled", "Successfully pulled image");
        var backoff = _api.AddEvent("shop", "BackOff", "Back-off restarting failed container", type: "Warning");
        var (target, run, stop) = Start(checkpoint: null);

        await target.WaitForAsync(t => t.Shipped.Count == 2, "the two listed events");
        _api.Repeat(backoff, 2);
        _api.Annotate(pulled);
        _api.Repeat(backoff, 3);
        await target.WaitForAsync(t => t.Ids.Contains($"{backoff}-3"), "the third back-off");
        await StopAsync(run, stop);

        string[] expected = [$"{pulled}-1", $"{backoff}-1", $"{backoff}-2", $"{backoff}-3"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), target.Ids.Order(StringComparer.Ordinal));
        using var record = JsonDocument.Parse(target.Shipped[^1].Record);
        var root = record.RootElement;
        Assert.Equal("warning", root.GetProperty("level").GetString());
        Assert.Equal("BackOff", root.GetProperty("reason").GetString());
        Assert.Equal("Back-off restarting failed container", root.GetProperty("message").GetString());
        Assert.Equal(3, root.GetProperty("count").GetInt64());
        Assert.Equal("Pod", root.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("web-1", root.GetProperty("object").GetProperty("name").GetString());
        Assert.Equal("kubelet", root.GetProperty("reportingController").GetString());
        Assert.Equal($"{backoff}-3", root.GetProperty("recordId").GetString());
    }

    [Fact]
    public async Task EventsOlderThanTheMaximumAgeAreNotShippedOnTheFirstStart()
    {
        _api.AddEvent("shop", "Old", "from yesterday", at: DateTimeOffset.UtcNow.AddDays(-1));
        var recent = _api.AddEvent("shop", "Recent", "from now");
        var (target, run, stop) = Start(checkpoint: null);

        await target.WaitForAsync(t => t.LastProgress is not null, "the list's resourceVersion");
        await StopAsync(run, stop);

        Assert.Equal([$"{recent}-1"], target.Ids);
    }

    [Fact]
    public async Task AListLongerThanAPageIsReadWhole()
    {
        var uids = Enumerable.Range(0, 1_203).Select(i => _api.AddEvent("shop", "Scheduled", $"event {i}")).ToHashSet();
        var (target, run, stop) = Start(checkpoint: null);

        await target.WaitForAsync(t => t.LastProgress is not null, "the list's resourceVersion");
        await StopAsync(run, stop);

        Assert.Equal(uids.Count, target.Shipped.Count);
        Assert.True(uids.SetEquals(target.Shipped.Select(o => o.Uid)));
    }

    [Fact]
    public async Task AWatchTooOldRelistsAndShipsOnlyWhatItHadNotSeen()
    {
        var first = _api.AddEvent("shop", "Pulled", "pulled");
        var second = _api.AddEvent("shop", "Created", "created");
        var (target, run, stop) = Start(checkpoint: null);
        await target.WaitForAsync(t => t.Shipped.Count == 2 && t.LastProgress is not null, "the listed events");

        // The watch ends and, before it can resume, events change and the history is compacted: 410 Gone, then a relist.
        var third = "";
        _api.EndWatches(() =>
        {
            third = _api.AddEvent("shop", "Started", "started");
            _api.Repeat(first, 2);
            _api.Compact();
        });
        await target.WaitForAsync(t => t.Ids.Contains($"{third}-1") && t.Ids.Contains($"{first}-2"), "the changes made while the watch was gone");
        await StopAsync(run, stop);

        Assert.Equal(4, target.Ids.Count);
        Assert.Single(target.Ids, $"{second}-1");
        Assert.True(_api.Lists >= 2);
    }

    [Fact]
    public async Task ARestartFromTheCheckpointShipsOnlyWhatCameAfterIt()
    {
        var before = _api.AddEvent("shop", "Pulled", "pulled");
        var (target, run, stop) = Start(checkpoint: null);
        await target.WaitForAsync(t => t.Shipped.Count == 1 && t.LastProgress is not null, "the first event");
        _api.Bookmark();
        await StopAsync(run, stop);
        var checkpoint = new EventsCheckpoint(target.LastProgress!, DateTimeOffset.UtcNow);

        var after = _api.AddEvent("shop", "Created", "created");
        _api.Repeat(before, 2);
        var (resumed, run2, stop2) = Start(checkpoint);
        await resumed.WaitForAsync(t => t.Shipped.Count == 2, "the two changes after the checkpoint");
        await StopAsync(run2, stop2);

        Assert.Equal([$"{after}-1", $"{before}-2"], resumed.Ids);
        Assert.Equal(1, _api.Lists);
    }

    [Fact]
    public async Task ACheckpointTooOldToWatchFromShipsOnlyEventsSeenSinceIt()
    {
        var old = _api.AddEvent("shop", "Pulled", "long delivered", at: DateTimeOffset.UtcNow.AddMinutes(-30));
        var (target, run, stop) = Start(checkpoint: null);
        await target.WaitForAsync(t => t.LastProgress is not null, "the list");
        await StopAsync(run, stop);
        var checkpoint = new EventsCheckpoint(target.LastProgress!, DateTimeOffset.UtcNow.AddMinutes(-5));

        var recent = _api.AddEvent("shop", "Created", "after the checkpoint");
        _api.Compact();
        var (resumed, run2, stop2) = Start(checkpoint);
        await resumed.WaitForAsync(t => t.Shipped.Count >= 1 && t.LastProgress != checkpoint.ResourceVersion, "the relist");
        await StopAsync(run2, stop2);

        Assert.Equal([$"{recent}-1"], resumed.Ids);
        Assert.DoesNotContain($"{old}-1", resumed.Ids);
    }

    [Fact]
    public async Task AWrongTokenIsReportedAndRetriedWithoutShippingAnything()
    {
        var access = ClusterAccess.Find(_api.WriteKubeconfig(_dir.Path)).Access! with { Token = "wrong" };
        using var client = new KubernetesApiClient(access, TimeProvider.System);
        _api.AddEvent("shop", "Pulled", "pulled");
        var metrics = new EventsMetrics();
        var watch = new EventsWatch(client, "shop", metrics, TimeProvider.System, NullLogger.Instance);
        var target = new RecordingTarget();
        using var stop = new CancellationTokenSource();
        var run = watch.RunAsync(null, DateTimeOffset.UtcNow.AddHours(-1), target, stop.Token);

        await target.WaitForAsync(_ => metrics.WatchErrors >= 1, "a failed list");
        await StopAsync(run, stop);

        Assert.Empty(target.Shipped);
    }

    private (RecordingTarget Target, Task Run, CancellationTokenSource Stop) Start(EventsCheckpoint? checkpoint)
    {
        var watch = new EventsWatch(_client, "shop", new EventsMetrics(), TimeProvider.System, NullLogger.Instance);
        var target = new RecordingTarget();
        var stop = new CancellationTokenSource();
        return (target, watch.RunAsync(checkpoint, DateTimeOffset.UtcNow.AddHours(-1), target, stop.Token), stop);
    }

    private static async Task StopAsync(Task run, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        await run.WaitAsync(ChildProcess.DefaultTimeout);
        stop.Dispose();
    }
}
