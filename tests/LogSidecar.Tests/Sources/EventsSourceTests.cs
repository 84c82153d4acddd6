using System.Globalization;
using System.Text.Json;

namespace LogSidecar.Tests.Sources;

/// <summary>The Events source in the real sidecar process, against the Kubernetes API stand-in over HTTPS.</summary>
public sealed class EventsSourceTests : IAsyncLifetime
{
    private const string LeaseNamespace = "logging";
    private const string LeaseName = "logsidecar-events";
    private const string CheckpointKey = "logsidecar.io/events-checkpoint.shop";

    private readonly TestCertificates _certificates = TestCertificates.Create("kubernetes");
    private readonly TempDirectory _dir = new();
    private KubernetesApiStandIn _api = null!;
    private string _kubeconfig = null!;

    public async ValueTask InitializeAsync()
    {
        _api = new KubernetesApiStandIn(_certificates);
        await _api.StartAsync();
        _kubeconfig = _api.WriteKubeconfig(_dir.Path);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task EventsArePrintedAsJsonRecordsAndEachRepeatIsANewRecord()
    {
        var backoff = _api.AddEvent("shop", "BackOff", "Back-off restarting failed container app", type: "Warning");
        await using var sidecar = SidecarProcess.Start(["--events", "--events-namespace", "shop", "--kubeconfig", _kubeconfig, "--checkpoint-dir", Path.Combine(_dir.Path, "state")]);
        await sidecar.Process.WaitUntilAsync(lines => Ids(lines).Contains($"{backoff}-1"), "the listed event");

        _api.Repeat(backoff, 2);
        await sidecar.Process.WaitUntilAsync(lines => Ids(lines).Contains($"{backoff}-2"), "the repeat");

        using var record = JsonDocument.Parse(sidecar.Process.Lines.First(line => line.Contains($"{backoff}-2", StringComparison.Ordinal)));
        var root = record.RootElement;
        Assert.Equal("k8s-events", root.GetProperty("stream").GetString());
        Assert.Equal("Back-off restarting failed container app", root.GetProperty("message").GetString());
        Assert.Equal("WARN", root.GetProperty("severity_text").GetString());
        var fields = root.GetProperty("fields");
        Assert.Equal("BackOff", fields.GetProperty("reason").GetString());
        Assert.Equal(2, fields.GetProperty("count").GetInt64());
        Assert.Equal("Pod", fields.GetProperty("object").GetProperty("kind").GetString());
        Assert.Equal("shop", fields.GetProperty("namespace").GetString());
        Assert.Equal(2, Ids(sidecar.Process.Lines).Count);
    }

    [Fact]
    public async Task ARestartResumesFromTheLeaseAndShipsNothingTwice()
    {
        var first = _api.AddEvent("shop", "Pulled", "pulled");
        var second = _api.AddEvent("shop", "Created", "created");
        await using (var sidecar = StartWithLease("replica-a"))
        {
            await sidecar.Process.WaitUntilAsync(lines => Ids(lines).Count == 2, "the two events");
            Assert.Equal(0, await sidecar.Process.TerminateAsync());
        }

        Assert.NotNull(_api.LeaseAnnotation(LeaseNamespace, LeaseName, CheckpointKey));
        var third = _api.AddEvent("shop", "Started", "started");
        _api.Repeat(first, 2);
        await using var restarted = StartWithLease("replica-a");
        await restarted.Process.WaitUntilAsync(lines => Ids(lines).Count == 2, "the two changes made while it was stopped");
        await restarted.Process.TerminateAsync();

        Assert.Equal([$"{third}-1", $"{first}-2"], Ids(restarted.Process.Lines));
        Assert.DoesNotContain($"{second}-1", Ids(restarted.Process.Lines));
    }

    [Fact]
    public async Task AStandbyTakesOverFromAKilledLeaderAndMissesNothing()
    {
        var before = Enumerable.Range(0, 5).Select(i => _api.AddEvent("shop", "Scheduled", $"before {i}")).ToList();
        await using var a = StartWithLease("replica-a");
        await a.Process.WaitUntilAsync(lines => Ids(lines).Count == 5, "the first events, from the first replica");
        await using var b = StartWithLease("replica-b");
        await WaitForAsync(() => b.Process.Errors.Contains("Kubernetes Events source", StringComparison.Ordinal), "the standby's start");
        var during = _api.AddEvent("shop", "Scheduled", "while both run");
        before.Add(during);
        var beforeVersion = long.Parse(_api.EventVersion(during), CultureInfo.InvariantCulture);
        await a.Process.WaitUntilAsync(lines => Ids(lines).Contains($"{during}-1"), "the event added while both run, from the leader");
        Assert.Equal("replica-a", _api.LeaseHolder(LeaseNamespace, LeaseName));

        // The leader has written the checkpoint past the first events before it dies.
        await WaitForAsync(() => _api.LeaseAnnotation(LeaseNamespace, LeaseName, CheckpointKey) is { } c && Version(c) >= beforeVersion, "the checkpoint in the Lease");
        await a.Process.KillAsync();
        var after = Enumerable.Range(0, 5).Select(i => _api.AddEvent("shop", "Scheduled", $"after {i}")).ToList();

        await b.Process.WaitUntilAsync(lines => Ids(lines).Count == 5, "the later events, from the standby");
        Assert.Equal("replica-b", _api.LeaseHolder(LeaseNamespace, LeaseName));
        Assert.Equal(before.Select(uid => $"{uid}-1").Order(StringComparer.Ordinal), Ids(a.Process.Lines).Order(StringComparer.Ordinal));
        Assert.Equal(after.Select(uid => $"{uid}-1").Order(StringComparer.Ordinal), Ids(b.Process.Lines).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AKubeconfigThatCannotBeReadStopsTheStartWithItsReason()
    {
        await using var sidecar = SidecarProcess.Start(["--events", "--kubeconfig", Path.Combine(_dir.Path, "missing"), "--checkpoint-dir", Path.Combine(_dir.Path, "state")]);

        Assert.Equal(2, await sidecar.Process.WaitForExitAsync());
        Assert.Contains("sources.events: cannot read kubeconfig", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    private SidecarProcess StartWithLease(string identity)
    {
        var config = Path.Combine(_dir.Path, $"{identity}.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            streams = Array.Empty<object>(),
            checkpointDir = Path.Combine(_dir.Path, $"state-{identity}"),
            sources = new
            {
                events = new
                {
                    namespaces = new[] { "shop" },
                    kubeconfig = _kubeconfig,
                    lease = new { name = LeaseName, @namespace = LeaseNamespace, identity, durationSeconds = 3 },
                },
            },
        }));
        return SidecarProcess.Start(["--config", config]);
    }

    private static List<string> Ids(IEnumerable<string> lines) =>
        [.. lines.Where(line => line.Contains("\"recordId\"", StringComparison.Ordinal))
            .Select(line =>
            {
                using var record = JsonDocument.Parse(line);
                return record.RootElement.GetProperty("fields").GetProperty("recordId").GetString()!;
            })];

    private static long Version(string checkpoint) => long.Parse(checkpoint.Split(' ')[0], CultureInfo.InvariantCulture);

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(ChildProcess.DefaultTimeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what} did not happen in time");
            }
        }
    }
}
