using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Namespaces;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Namespaces;

/// <summary>
/// The webhook's namespace cache against the loopback API stand-in: list then watch, events and bookmarks, 410 -> list
/// again, errors -> backoff, and admission that never waits for it (fails open with a warning when it cannot know).
/// </summary>
public sealed class NamespaceInformerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly JsonObject Pod = new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = new JsonObject { ["logsidecar.io/inject"] = "true" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
    };

    /// <summary>The review's answer and the pod after its patch.</summary>
    private static async Task<(JsonObject Response, JsonObject Pod)> AdmitAsync(WebhookFixture webhook, string ns)
    {
        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.OptInPath, AdmissionReviews.Request(Pod, ns));
        Assert.True((bool)response["allowed"]!);
        return (response, IndependentJsonPatch.Apply(Pod, AdmissionReviews.PatchText(response)!));
    }

    private static string Cpu(JsonObject pod) => (string)pod["spec"]!["initContainers"]![0]!["resources"]!["requests"]!["cpu"]!;

    private static JsonNode Sources(JsonObject pod) => JsonNode.Parse((string)pod["metadata"]!["annotations"]!["logsidecar.io/status"]!)!["sources"]!;

    private static async Task<string?> CpuDefaultAsync(NamespaceInformer informer, string ns) =>
        (await informer.LookupAsync(ns, Token)).Defaults?.Annotations.GetValueOrDefault(AnnotationKeys.Cpu);

    [Fact]
    public async Task AWatchedChangeToANamespaceReachesTheNextAdmission()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("shop", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "100m" });
        await using var running = Run(api.CreateClient(), TimeProvider.System);
        var informer = running.Informer;
        await using var webhook = await WebhookFixture.StartAsync(_ => { }, informer);
        await Condition.WaitAsync(() => informer.IsSynced && api.OpenWatches == 1, "the first list and a watch");

        var (first, before) = await AdmitAsync(webhook, "shop");
        api.PutNamespace("shop", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "300m" });
        await Condition.WaitAsync(async () => await CpuDefaultAsync(informer, "shop") == "300m", "the MODIFIED event in the cache");
        var (_, after) = await AdmitAsync(webhook, "shop");

        Assert.Null(first["warnings"]);
        Assert.Equal("100m", Cpu(before));
        Assert.Equal("300m", Cpu(after));
        Assert.Equal("namespace", (string?)Sources(after)["logsidecar.io/cpu"]);
        Assert.Equal(1, api.Count("GET namespaces 200"));
    }

    [Fact]
    public async Task ABookmarkMovesThePointTheNextWatchResumesFrom()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("shop");
        await using var running = Run(api.CreateClient(), TimeProvider.System);
        var informer = running.Informer;
        await Condition.WaitAsync(() => api.OpenWatches == 1, "a watch");
        var listedAt = (string)api.Find("namespaces", null, "shop")!["metadata"]!["resourceVersion"]!;

        // Another kind of object changes: the resourceVersion moves on, and only a bookmark tells the watch so.
        api.Seed("secrets", "elsewhere", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "unrelated" } });
        api.SendBookmark();
        var bookmarked = long.Parse(listedAt, System.Globalization.CultureInfo.InvariantCulture) + 1;
        // A closed watch still delivers what was sent before it closed, so the bookmark arrives before the stream ends.
        await Condition.WaitAsync(
            () =>
            {
                api.CloseWatches();
                return api.Requests.Contains($"GET namespaces?watch&resourceVersion={bookmarked} 200");
            },
            "a watch from the bookmark's resourceVersion");

        Assert.Contains($"GET namespaces?watch&resourceVersion={listedAt} 200", api.Requests);
        Assert.Equal(1, api.Count("GET namespaces 200"));
    }

    [Fact]
    public async Task AWatchAnswered410ListsAgainAndLosesNoChange()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("deleted", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "100m" });
        api.PutNamespace("changed", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "100m" });
        await using var running = Run(api.CreateClient(), TimeProvider.System);
        var informer = running.Informer;
        await Condition.WaitAsync(() => api.OpenWatches == 1, "a watch");

        api.ExpireWatches(() =>
        {
            api.DeleteNamespace("deleted");
            api.PutNamespace("changed", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "200m" });
            api.PutNamespace("created", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "300m" });
        });
        await Condition.WaitAsync(() => informer.Relists == 1 && api.OpenWatches == 1, "a second list and a new watch");

        Assert.Equal(2, api.Count("GET namespaces 200"));
        Assert.Equal("200m", await CpuDefaultAsync(informer, "changed"));
        Assert.Equal("300m", await CpuDefaultAsync(informer, "created"));
        var deleted = await informer.LookupAsync("deleted", Token);
        Assert.Null(deleted.Defaults);
        Assert.Contains("namespaces deleted does not exist", deleted.Unavailable, StringComparison.Ordinal);
        Assert.Equal(0, informer.Errors);
    }

    [Fact]
    public async Task WithTheApiServerUnreachableAPodIsInjectedWithoutNamespaceDefaultsAndToldSo()
    {
        await using var running = Run(new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{ClosedPort()}/" }), new FakeTimeProvider());
        var informer = running.Informer;
        await using var webhook = await WebhookFixture.StartAsync(_ => { }, informer);
        await Condition.WaitAsync(() => informer.HasAnswered, "the first failed list");

        var (response, pod) = await AdmitAsync(webhook, "shop");
        using var ready = await webhook.Client.GetAsync(new Uri("/readyz", UriKind.Relative), Token);

        Assert.False(informer.IsSynced);
        var warning = Assert.Single(response["warnings"]!.AsArray());
        Assert.StartsWith("logsidecar: the injector could not read namespace shop (the injector's namespace cache has not synced yet: cannot reach the Kubernetes API server to list namespaces", (string)warning!, StringComparison.Ordinal);
        Assert.EndsWith("so its logsidecar.io/ annotations were not used: this pod's values come from its own annotations and the injector's configuration", (string)warning!, StringComparison.Ordinal);
        Assert.Equal("50m", Cpu(pod));
        Assert.Equal("default", (string?)Sources(pod)["logsidecar.io/cpu"]);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var metrics = await webhook.MetricsAsync();
        Assert.Contains("logsidecar_injector_namespace_defaults_unavailable_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_namespace_cache_synced 0\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterRefusedListsTheCacheBacksOffAndSyncsOnceItIsAllowed()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("shop", new Dictionary<string, string> { [AnnotationKeys.Cpu] = "100m" });
        api.Forbid("list", "namespaces");
        var time = new FakeTimeProvider();
        await using var running = Run(api.CreateClient(), time);
        var informer = running.Informer;
        await Condition.WaitAsync(() => informer.Errors == 1, "a refused list");

        Assert.Contains("may not list namespaces", informer.LastError, StringComparison.Ordinal);
        Assert.Contains("grant the 'list' verb on 'namespaces'", informer.LastError, StringComparison.Ordinal);
        Assert.Equal(1, api.Count("GET namespaces 403"));

        api.Permit("list", "namespaces");
        await Condition.WaitAsync(() => informer.IsSynced, "a list after the backoff", meanwhile: () => time.Advance(TimeSpan.FromSeconds(1)));

        Assert.Equal("100m", await CpuDefaultAsync(informer, "shop"));
        Assert.Null(informer.LastError);
    }

    private static RunningInformer Run(Kubernetes client, TimeProvider time)
    {
        var informer = new NamespaceInformer(client, time, NullLogger.Instance);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        return new RunningInformer(client, informer, stop, informer.RunAsync(stop.Token));
    }

    /// <summary>A port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An informer running on its client until disposed; disposing stops it and waits for its loop to end.</summary>
    private sealed record RunningInformer(Kubernetes Client, NamespaceInformer Informer, CancellationTokenSource Stop, Task Loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Loop;
            Stop.Dispose();
            Client.Dispose();
        }
    }
}
