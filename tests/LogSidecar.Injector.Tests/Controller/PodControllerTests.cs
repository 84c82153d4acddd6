using System.Text.Json.Nodes;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary>
/// The controller against the loopback API stand-in, over real sockets, with fake time: pods that miss their sidecar
/// and drifted pods are evented once, counted and (when allowed) their workloads restarted at a bounded rate; one
/// replica acts at a time; a 410 relist loses no pod.
/// </summary>
public sealed class PodControllerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static InjectorOptions Options(Action<ControllerOptions>? controller = null)
    {
        var options = TestOptions.Create();
        controller?.Invoke(options.Controller);
        return options;
    }

    private static async Task<LoopbackKubernetesApi> StartApiAsync()
    {
        var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("logsidecar-system");
        api.PutNamespace("shop");

        // An injector replica is Ready: the webhook can answer, so repair may restart workloads.
        ClusterPods.WebhookEndpoint(api, ready: true);
        return api;
    }

    /// <summary>
    /// Starts the controller with a pod that missed its sidecar put last in shop, and returns once it is evented: the one
    /// pod put before it has been judged by then.
    /// </summary>
    private static async Task<RunningController> StartWithMarkerAsync(LoopbackKubernetesApi api, InjectorOptions options)
    {
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "marker"));
        var running = RunningController.Start(api, options, new FakeTimeProvider());
        try
        {
            await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "marker").Count == 1 && running.Pods.Tracked == 2, "the marker pod evented (the other pod judged before it)");
            return running;
        }
        catch (Exception)
        {
            await running.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task APodThatMissedItsSidecarIsEventedOnceNotAtEveryListOrChange()
    {
        await using var api = await StartApiAsync();
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-1"));
        await using var running = RunningController.Start(api, Options(), new FakeTimeProvider());
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1").Count == 1, "the Event on web-1");

        // A relist (410) and a change of the pod are seen, then a second pod shows they were handled before it.
        api.ExpireWatches(() => { });
        await Condition.WaitAsync(() => api.Count("GET pods?labelSelector=logsidecar.io/inject=true 200") == 2, "a second list");
        var changed = ClusterPods.OptedIn("shop", "web-1");
        changed["status"]!["phase"] = "Running";
        changed["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["touched"] = "yes" };
        api.Put("pods", "shop", changed);
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-2"));
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-2").Count == 1 && running.Pods.Missing.GetValueOrDefault("shop") == 2, "the Event on web-2");

        var evented = Assert.Single(ClusterPods.Events(api, "shop", "web-1"));
        Assert.Equal(PodController.MissingReason, (string?)evented["reason"]);
        Assert.Equal("Warning", (string?)evented["type"]);
        Assert.Contains("created while the injector's webhook did not answer", (string?)evented["message"], StringComparison.Ordinal);
        Assert.Contains("kubectl rollout restart", (string?)evented["message"], StringComparison.Ordinal);
        Assert.Equal(2, running.Pods.Missing["shop"]);
        Assert.Contains("logsidecar_injector_pods_missing_sidecar{namespace=\"shop\"} 2\n", running.Metrics.Render(), StringComparison.Ordinal);
        Assert.Equal(0, api.Count("PATCH"));
    }

    [Fact]
    public async Task AnInjectedPodIsFineUntilItsNamespaceDefaultsChangeThenItHasDrifted()
    {
        await using var api = await StartApiAsync();
        var options = Options();
        api.Put("pods", "shop", ClusterPods.Injected(ClusterPods.OptedIn("shop", "web-1"), options));
        await using var running = await StartWithMarkerAsync(api, options);

        Assert.Empty(ClusterPods.Events(api, "shop", "web-1"));
        Assert.Equal(0, running.Pods.Drifted["shop"]);

        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/cpu"] = "200m" });
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1").Count == 1 && running.Pods.Drifted.GetValueOrDefault("shop") == 1, "the drift Event on web-1");

        var drift = Assert.Single(ClusterPods.Events(api, "shop", "web-1"));
        Assert.Equal(PodController.DriftReason, (string?)drift["reason"]);
        Assert.Contains("would be rendered differently now", (string?)drift["message"], StringComparison.Ordinal);
        Assert.Equal(1, running.Pods.Drifted["shop"]);
        Assert.Contains("logsidecar_injector_pods_drifted{namespace=\"shop\"} 1\n", running.Metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatAnotherWebhookAddedAfterUsIsNotDriftButAChangeOfOurOwnConfigurationStillIs()
    {
        await using var api = await StartApiAsync();
        var options = Options();
        var pod = ClusterPods.Injected(ClusterPods.OptedIn("shop", "web-1"), options);

        // A mesh injector admitted the pod after us: its proxy goes first, its init container and volume after ours,
        // and it gave the app container an env var and a mount of its own.
        var spec = pod["spec"]!;
        spec["containers"]!.AsArray().Insert(0, new JsonObject
        {
            ["name"] = "mesh-proxy",
            ["image"] = "registry.example/mesh-proxy:1",
            ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 15090, ["name"] = "mesh-metrics" }),
            ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "mesh-certs", ["mountPath"] = "/etc/mesh" }),
        });
        spec["initContainers"]!.AsArray().Add(new JsonObject { ["name"] = "mesh-init", ["image"] = "registry.example/mesh-init:1" });
        spec["volumes"]!.AsArray().Add(new JsonObject { ["name"] = "mesh-certs", ["emptyDir"] = new JsonObject() });
        var app = spec["containers"]![1]!;
        app["env"] = new JsonArray(new JsonObject { ["name"] = "MESH_ENABLED", ["value"] = "1" });
        app["volumeMounts"]!.AsArray().Add(new JsonObject { ["name"] = "mesh-certs", ["mountPath"] = "/etc/mesh" });
        api.Put("pods", "shop", pod);
        await using var running = await StartWithMarkerAsync(api, options);

        Assert.Empty(ClusterPods.Events(api, "shop", "web-1"));
        Assert.Equal(0, running.Pods.Drifted["shop"]);

        // Our own rendering changes: that is drift, whatever the other webhook added.
        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/memory"] = "128Mi" });
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1").Count == 1 && running.Pods.Drifted.GetValueOrDefault("shop") == 1, "the drift Event on web-1");

        Assert.Equal(PodController.DriftReason, (string?)Assert.Single(ClusterPods.Events(api, "shop", "web-1"))["reason"]);
    }

    [Fact]
    public async Task APodInjectedByAnotherInjectorVersionHasDrifted()
    {
        await using var api = await StartApiAsync();
        var options = Options();
        var old = ClusterPods.Injected(ClusterPods.OptedIn("shop", "web-1"), options);
        var status = System.Text.Json.Nodes.JsonNode.Parse((string)old["metadata"]!["annotations"]!["logsidecar.io/status"]!)!;
        status["version"] = "0.0.1";
        old["metadata"]!["annotations"]!["logsidecar.io/status"] = status.ToJsonString();
        api.Put("pods", "shop", old);
        await using var running = RunningController.Start(api, options, new FakeTimeProvider());
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1").Count == 1, "the drift Event");

        var message = (string?)ClusterPods.Events(api, "shop", "web-1")[0]["message"];
        Assert.Contains("injected by injector version", message, StringComparison.Ordinal);
        Assert.Contains("0.0.1", message, StringComparison.Ordinal);
        Assert.Equal(PodController.DriftReason, (string?)ClusterPods.Events(api, "shop", "web-1")[0]["reason"]);
    }

    [Fact]
    public async Task RepairRestartsEachWorkloadOnceWithinItsIntervalAndNoMoreThanTheHourlyCap()
    {
        await using var api = await StartApiAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            api.Seed("deployments", "shop", ClusterPods.Deployment("shop", name));
            api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", $"{name}-5d8f", name));
        }

        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-2", ("ReplicaSet", "a-5d8f")));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "b-5d8f-1", ("ReplicaSet", "b-5d8f")));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "c-5d8f-1", ("ReplicaSet", "c-5d8f")));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "bare"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "job-1", ("Job", "nightly")));
        var time = new FakeTimeProvider();
        await using var running = RunningController.Start(api, Options(c => { c.Repair = true; c.MaxRestartsPerHour = 2; c.RestartIntervalMinutes = 30; }), time);
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "job-1").Count == 1 && running.Pods.Missing.GetValueOrDefault("shop") == 6, "every pod judged");
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "c", PodController.RestartHeldReason).Count == 1, "the restart of c held by the hourly cap");

        Assert.Equal(1, api.Count("PATCH deployments/a 200"));
        Assert.Equal(1, api.Count("PATCH deployments/b 200"));
        Assert.Equal(0, api.Count("PATCH deployments/c"));
        Assert.NotNull(ClusterPods.RestartedAt(api, "deployments", "shop", "a"));
        Assert.Null(ClusterPods.RestartedAt(api, "deployments", "shop", "c"));
        Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartReason));
        Assert.Contains("maxRestartsPerHour", (string?)Assert.Single(ClusterPods.Events(api, "shop", "c", PodController.RestartHeldReason))["message"], StringComparison.Ordinal);
        Assert.Equal(6, running.Pods.Missing["shop"]);

        // An hour later the window is open again: c, held by the cap, is restarted now, and a's interval is over, so a
        // new missed pod of a restarts it once more.
        time.Advance(TimeSpan.FromMinutes(61));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-3", ("ReplicaSet", "a-5d8f")));
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 2 && api.Count("PATCH deployments/c 200") == 1, "the second restart of a and the held one of c");

        Assert.Equal(4, running.Pods.Restarts);
        Assert.Equal(1, api.Count("PATCH deployments/b 200"));
    }

    [Fact]
    public async Task ARestartHeldByTheHourlyCapIsMadeWhenTheHourAllowsItOnceTriedAgainQuietlyWhileTheHourIsFull()
    {
        await using var api = await StartApiAsync();
        foreach (var name in new[] { "a", "b", "c" })
        {
            api.Seed("deployments", "shop", ClusterPods.Deployment("shop", name));
            api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", $"{name}-5d8f", name));
            api.Put("pods", "shop", ClusterPods.OptedIn("shop", $"{name}-5d8f-1", ("ReplicaSet", $"{name}-5d8f")));
        }

        var time = new FakeTimeProvider();
        await using var running = RunningController.Start(api, Options(c => { c.Repair = true; c.MaxRestartsPerHour = 1; c.RestartIntervalMinutes = 30; }), time);
        await Condition.WaitAsync(() => running.Pods.Restarts == 1 && running.Pods.RestartsHeld == 2 && running.Pods.RepairsWaiting == 2, "one restart, two held by the cap");
        string[] held = [.. new[] { "a", "b", "c" }.Where(n => ClusterPods.Events(api, "shop", n, PodController.RestartHeldReason).Count == 1)];
        Assert.Equal(2, held.Length);
        var message = (string?)ClusterPods.Events(api, "shop", held[0], PodController.RestartHeldReason)[0]["message"];
        Assert.Contains("tries again when the hour allows one more, at 2000-01-01T01:00:00Z", message, StringComparison.Ordinal);
        Assert.Contains($"kubectl rollout restart deployment/{held[0]} -n shop", message, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_repairs_waiting 2\n", running.Metrics.Render(), StringComparison.Ordinal);

        // The first restart leaves the hour's window: one of the two held is restarted, the other held again, quietly.
        time.Advance(TimeSpan.FromHours(1));
        await Condition.WaitAsync(() => running.Pods.Restarts == 2 && running.Pods.RepairsWaiting == 1, "the second restart, an hour after the first");
        Assert.Single(held, n => api.Count($"PATCH deployments/{n} 200") == 1);

        time.Advance(TimeSpan.FromHours(1));
        await Condition.WaitAsync(() => running.Pods.Restarts == 3 && running.Pods.RepairsWaiting == 0, "the third restart, an hour after the second");

        Assert.All(new[] { "a", "b", "c" }, n => Assert.Equal(1, api.Count($"PATCH deployments/{n} 200")));
        Assert.All(held, n => Assert.Single(ClusterPods.Events(api, "shop", n, PodController.RestartHeldReason)));
        Assert.All(held, n => Assert.Single(ClusterPods.Events(api, "shop", n, PodController.RestartReason)));
        Assert.Equal(2, running.Pods.RestartsHeld);
    }

    /// <summary>
    /// A patch answered 503 restarted nothing: the pod is held with the error and tried again a minute later, when it is
    /// restarted; the failure used neither the workload's interval (the retry is not taken for that restart's rollout)
    /// nor a place in the hour's cap (a second workload is still restarted under a cap of two).
    /// </summary>
    [Fact]
    public async Task ARestartThatFailedOnTheWayIsTriedAgainAMinuteLaterWithoutUsingTheLimits()
    {
        await using var api = await StartApiAsync();
        foreach (var name in new[] { "a", "b" })
        {
            api.Seed("deployments", "shop", ClusterPods.Deployment("shop", name));
            api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", $"{name}-5d8f", name));
        }

        api.Unavailable("patch", "deployments", times: 1);
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        var time = new FakeTimeProvider();
        await using var running = RunningController.Start(api, Options(c => { c.Repair = true; c.MaxRestartsPerHour = 2; c.RestartIntervalMinutes = 30; }), time);
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason).Count == 1, "the failed restart of a evented");
        Assert.Equal(1, api.Count("PATCH deployments/a 503"));
        var held = Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason));
        Assert.Contains("HTTP 503 ServiceUnavailable", (string?)held["message"], StringComparison.Ordinal);
        Assert.Contains("tries again in 1 minute", (string?)held["message"], StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_controller_errors_total 1\n", running.Metrics.Render(), StringComparison.Ordinal);

        // A minute later the API answers. (The Event is recorded after the retry is set: advancing now is safe.)
        time.Advance(WorkloadRestarter.FailedRetry);
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 1 && running.Pods.RepairsWaiting == 0, "the restart of a");
        Assert.NotNull(ClusterPods.RestartedAt(api, "deployments", "shop", "a"));
        Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason));
        Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartReason));

        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "b-5d8f-1", ("ReplicaSet", "b-5d8f")));
        await Condition.WaitAsync(() => running.Pods.Restarts == 2, "the restart of b, the cap's second place");
        Assert.Equal(1, api.Count("PATCH deployments/b 200"));
        Assert.Equal(0, running.Pods.RestartsHeld);
    }

    [Fact]
    public async Task ANamespaceThatSaysRepairFalseIsOnlyReportedAndOneThatSaysTrueIsRepaired()
    {
        await using var api = await StartApiAsync();
        api.PutNamespace("quiet", new Dictionary<string, string> { ["logsidecar.io/repair"] = "false" });
        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/repair"] = "true" });
        api.Seed("statefulsets", "quiet", ClusterPods.Deployment("quiet", "db"));
        api.Seed("statefulsets", "shop", ClusterPods.Deployment("shop", "db"));
        api.Put("pods", "quiet", ClusterPods.OptedIn("quiet", "db-0", ("StatefulSet", "db")));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "db-0", ("StatefulSet", "db")));
        await using var running = RunningController.Start(api, Options(c => c.Repair = false), new FakeTimeProvider());
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "db", PodController.RestartReason).Count == 1, "the restart in shop");

        Assert.Single(ClusterPods.Events(api, "quiet", "db-0", PodController.MissingReason));
        Assert.Null(ClusterPods.RestartedAt(api, "statefulsets", "quiet", "db"));
        Assert.NotNull(ClusterPods.RestartedAt(api, "statefulsets", "shop", "db"));
    }

    [Fact]
    public async Task PodsOfANamespaceEnabledByItsLabelAreWatchedThroughThatNamespace()
    {
        await using var api = await StartApiAsync();
        api.PutNamespace("team", labels: new Dictionary<string, string> { ["logsidecar.io/injection"] = "enabled" });
        var unlabelled = ClusterPods.OptedIn("team", "worker");
        unlabelled["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app"] = "worker" };
        var optedOut = ClusterPods.OptedIn("team", "opted-out");
        optedOut["metadata"]!["labels"]!["logsidecar.io/inject"] = "false";
        api.Put("pods", "team", optedOut);
        api.Put("pods", "team", unlabelled);
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-1"));
        await using var running = RunningController.Start(api, Options(), new FakeTimeProvider());
        await Condition.WaitAsync(() => ClusterPods.Events(api, "team", "worker").Count == 1, "the Event on the unlabelled pod");
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1").Count == 1, "the Event on web-1");

        Assert.Equal(["team"], running.Pods.WatchedNamespaces);
        Assert.Empty(ClusterPods.Events(api, "team", "opted-out"));
        Assert.Equal(2, running.Pods.Tracked);
    }

    [Fact]
    public async Task AWatchAnswered410ListsAgainInPagesAndLosesNoPod()
    {
        await using var api = await StartApiAsync();
        for (var i = 0; i < 5; i++)
        {
            api.Put("pods", "shop", ClusterPods.Injected(ClusterPods.OptedIn("shop", $"ok-{i}"), Options()));
        }

        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "missed-1"));
        await using var running = RunningController.Start(api, Options(), new FakeTimeProvider(), pageSize: 2);
        await Condition.WaitAsync(() => running.Pods.IsSynced && api.OpenWatchesOf("pods") == 1, "the first list and a watch");

        api.ExpireWatches(() =>
        {
            api.Delete("pods", "shop", "ok-0");
            api.Put("pods", "shop", ClusterPods.OptedIn("shop", "missed-2"));
        });
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "missed-2").Count == 1 && api.OpenWatchesOf("pods") == 1, "the pod created while no watch saw it");
        await Condition.WaitAsync(() => running.Pods.Tracked == 6, "the deleted pod forgotten");

        Assert.Equal(6, running.Pods.Tracked);
        Assert.Equal(2, running.Pods.Missing["shop"]);
        Assert.Single(ClusterPods.Events(api, "shop", "missed-1"));
        Assert.True(api.Count("GET pods?labelSelector=logsidecar.io/inject=true&continue 200") >= 4, string.Join("\n", api.Requests));
    }

    [Fact]
    public async Task TwoReplicasWithOneLeaseActOnceAndTheSecondTakesOverWhenTheFirstsLeaseExpires()
    {
        await using var api = await StartApiAsync();
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-1"));
        var time = new FakeTimeProvider();
        var first = RunningController.Start(api, Options(), time, "replica-a");
        await Condition.WaitAsync(() => first.Elector.IsLeader && ClusterPods.Events(api, "shop", "web-1").Count == 1, "replica-a leading and reporting");
        await using var second = RunningController.Start(api, Options(), time, "replica-b");
        await Condition.WaitAsync(() => api.Count("GET leases/logsidecar-injector-controller") >= 2, "replica-b reading the lease");

        Assert.False(second.Elector.IsLeader);
        Assert.Equal(1, api.Count("POST events"));

        // replica-a dies without releasing the lease (its release is refused): replica-b waits out leaseDurationSeconds.
        api.Forbid("update", "leases");
        await first.DisposeAsync();
        api.Permit("update", "leases");
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-2"));
        await Condition.WaitAsync(() => second.Elector.IsLeader && ClusterPods.Events(api, "shop", "web-2").Count == 1, "replica-b leading after the lease expired", meanwhile: () => time.Advance(TimeSpan.FromSeconds(1)));

        var lease = api.Find("leases", "logsidecar-system", "logsidecar-injector-controller")!;
        Assert.Equal("replica-b", (string?)lease["spec"]!["holderIdentity"]);
        Assert.Equal(1, (int)lease["spec"]!["leaseTransitions"]!);
        Assert.Single(ClusterPods.Events(api, "shop", "web-1"));
        // replica-b, new to the pod, tried it once more and was told the Event exists (its name is made from the pod).
        Assert.Single(api.Requests, r => r.StartsWith("POST events/web-1.", StringComparison.Ordinal) && r.EndsWith(" 409", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepairWaitsWhileTheWebhookServiceHasNoReadyEndpointWithoutUsingTheRateLimitAndRestartsOnceOneIsReady()
    {
        await using var api = await StartApiAsync();
        ClusterPods.WebhookEndpoint(api, ready: false); // the injector just started: its pod is not Ready yet
        api.Seed("deployments", "shop", ClusterPods.Deployment("shop", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-5d8f", "a"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        await using var running = RunningController.Start(api, Options(c => { c.Repair = true; c.MaxRestartsPerHour = 1; }), new FakeTimeProvider());
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a-5d8f-1").Count == 1 && running.Pods.RepairsWaiting == 1, "the pod reported, its repair waiting");

        // Seen again while waiting (a 410 relist): still reported once, still waiting, nothing restarted or held.
        api.ExpireWatches(() => { });
        await Condition.WaitAsync(() => api.Count("GET pods?labelSelector=logsidecar.io/inject=true 200") >= 2 && api.OpenWatchesOf("pods") == 1, "a second list");
        Assert.Equal(0, api.Count("PATCH"));
        Assert.Empty(ClusterPods.Events(api, "shop", "a"));
        Assert.Equal(0, running.Pods.RestartsHeld);
        Assert.Single(ClusterPods.Events(api, "shop", "a-5d8f-1"));
        var metrics = running.Metrics.Render();
        Assert.Contains("logsidecar_injector_repairs_waiting 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_webhook_ready_endpoints 0\n", metrics, StringComparison.Ordinal);

        // The replica becomes Ready: the one restart the hour allows is still there for it.
        ClusterPods.WebhookEndpoint(api, ready: true);
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a", PodController.RestartReason).Count == 1 && running.Pods.RepairsWaiting == 0, "the restart once the webhook is ready");

        Assert.Equal(1, api.Count("PATCH deployments/a 200"));
        Assert.Equal(1, running.Pods.Restarts);
        Assert.Equal(0, running.Pods.RestartsHeld);
        Assert.Empty(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason));
        Assert.Equal(1, running.Pods.WebhookReadyEndpoints);
    }

    [Fact]
    public async Task AWebhookCalledByUrlHasNoEndpointSlicesToWaitForSoRepairRestartsAtOnceAndAFailedRestartIsHeldWithWhatToCheck()
    {
        await using var api = await StartApiAsync();
        api.Delete("endpointslices", "logsidecar-system", "logsidecar-injector-x7k2p"); // no Service: clientConfig.url
        api.Seed("deployments", "shop", ClusterPods.Deployment("shop", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-5d8f", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-6b7c", "a"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        await using var running = RunningController.Start(api, Options(c => { c.Repair = true; c.WebhookByUrl = true; }), new FakeTimeProvider());
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 1, "the restart without an EndpointSlice");

        Assert.Equal(0, running.Pods.RepairsWaiting);
        Assert.DoesNotContain(api.Requests, r => r.Contains("endpointslices", StringComparison.Ordinal));

        // Its replacement still missed the sidecar: nothing says whether the URL answered, so it is held for a person.
        api.Put("pods", "shop", ClusterPods.Replacement(api, "shop", "a-6b7c-1", "a-6b7c", "a"));
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason).Count == 1, "the replacement's restart held");

        var held = (string?)Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason))["message"];
        Assert.Contains("no answer from the webhook at its URL (controller.webhookByUrl", held, StringComparison.Ordinal);
        Assert.Contains("kubectl rollout restart deployment/a -n shop", held, StringComparison.Ordinal);
        Assert.Equal(1, api.Count("PATCH deployments/a"));
    }

    [Fact]
    public async Task ARestartWhosePodsWereAdmittedWhileTheWebhookHadNoReadyEndpointDoesNotHoldTheNextOne()
    {
        await using var api = await StartApiAsync();
        api.Seed("deployments", "shop", ClusterPods.Deployment("shop", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-5d8f", "a"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        await using var running = RunningController.Start(api, Options(c => c.Repair = true), new FakeTimeProvider());
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 1, "the first restart");

        // The injector goes away during the rollout: the replacement comes up without the sidecar again.
        ClusterPods.WebhookEndpoint(api, ready: false);
        await Condition.WaitAsync(() => running.Pods.WebhookReadyEndpoints == 0, "the endpoint seen not ready");
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-6b7c", "a"));
        api.Put("pods", "shop", ClusterPods.Replacement(api, "shop", "a-6b7c-1", "a-6b7c", "a"));
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a-6b7c-1").Count == 1 && running.Pods.RepairsWaiting == 1, "the replacement reported, its repair waiting");
        Assert.Equal(1, api.Count("PATCH deployments/a"));

        ClusterPods.WebhookEndpoint(api, ready: true);
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 2, "the second restart, within the interval");

        Assert.Empty(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason));
        Assert.Equal(0, running.Pods.RestartsHeld);
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a", PodController.RestartReason).Count == 2, "the second restart evented");
        Assert.Contains(ClusterPods.Events(api, "shop", "a", PodController.RestartReason), e => ((string?)e["message"])!.Contains("without a ready webhook endpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReplacementThatMissedItsSidecarWhileTheWebhookWasReadyIsHeldWithWhatToDoAndAnOlderSiblingIsLeftToTheRollout()
    {
        await using var api = await StartApiAsync();
        api.Seed("deployments", "shop", ClusterPods.Deployment("shop", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-5d8f", "a"));
        api.Seed("replicasets", "shop", ClusterPods.ReplicaSet("shop", "a-6b7c", "a"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-1", ("ReplicaSet", "a-5d8f")));
        await using var running = RunningController.Start(api, Options(c => c.Repair = true), new FakeTimeProvider());
        await Condition.WaitAsync(() => api.Count("PATCH deployments/a 200") == 1, "the first restart");

        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "a-5d8f-2", ("ReplicaSet", "a-5d8f")));
        api.Put("pods", "shop", ClusterPods.Replacement(api, "shop", "a-6b7c-1", "a-6b7c", "a"));
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason).Count == 1 && ClusterPods.Events(api, "shop", "a-5d8f-2").Count == 1, "the replacement's restart held");

        var held = (string?)Assert.Single(ClusterPods.Events(api, "shop", "a", PodController.RestartHeldReason))["message"];
        Assert.Contains("a-6b7c-1", held, StringComparison.Ordinal);
        Assert.Contains("restartIntervalMinutes", held, StringComparison.Ordinal);
        Assert.Contains("caBundle", held, StringComparison.Ordinal);
        Assert.Contains("kubectl rollout restart deployment/a -n shop", held, StringComparison.Ordinal);
        Assert.Equal(1, running.Pods.RestartsHeld);
        Assert.Equal(1, api.Count("PATCH deployments/a"));
    }

    [Fact]
    public async Task RepairWaitsForTheNamespaceCacheSoANamespaceThatSaysRepairTrueIsRepaired()
    {
        await using var api = await StartApiAsync();
        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/repair"] = "true" });
        api.Seed("statefulsets", "shop", ClusterPods.Deployment("shop", "db"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "db-0", ("StatefulSet", "db")));
        api.Forbid("list", "namespaces");
        var time = new FakeTimeProvider();
        await using var running = RunningController.Start(api, Options(c => c.Repair = false), time);
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "db-0").Count == 1 && running.Pods.RepairsWaiting == 1, "the pod reported before the namespaces are known");
        Assert.False(running.Namespaces.IsSynced);
        Assert.Equal(0, api.Count("PATCH"));

        api.Permit("list", "namespaces");
        await Condition.WaitAsync(() => api.Count("PATCH statefulsets/db 200") == 1, "the restart once the namespaces are listed", meanwhile: () => time.Advance(TimeSpan.FromSeconds(1)));

        Assert.NotNull(ClusterPods.RestartedAt(api, "statefulsets", "shop", "db"));
        Assert.Single(ClusterPods.Events(api, "shop", "db-0"));
    }

    [Fact]
    public async Task ANamespaceAnnotatedForRepairAfterItsPodsWereReportedHasThemRepaired()
    {
        await using var api = await StartApiAsync();
        api.Seed("statefulsets", "shop", ClusterPods.Deployment("shop", "db"));
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "db-0", ("StatefulSet", "db")));
        await using var running = await StartWithMarkerAsync(api, Options(c => c.Repair = false));
        Assert.Single(ClusterPods.Events(api, "shop", "db-0"));
        Assert.Equal(0, api.Count("PATCH"));

        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/repair"] = "true" });
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "db", PodController.RestartReason).Count == 1, "the restart once the namespace says repair");

        Assert.Equal(1, api.Count("PATCH statefulsets/db 200"));
        Assert.Single(ClusterPods.Events(api, "shop", "db-0"));
    }
}
