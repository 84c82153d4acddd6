using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary>
/// Whether the webhook's Service has a ready endpoint, read from its EndpointSlices on the loopback API stand-in with
/// the API's semantics: only slices labelled with the Service's name, ready true or absent counts, terminating does not,
/// one pod in two slices counts once, and a deleted slice takes its endpoints with it.
/// </summary>
public sealed class WebhookEndpointsTests
{
    private const string Ns = "logsidecar-system";
    private const string Service = "logsidecar-injector";

    [Fact]
    public async Task OnlyTheServicesSlicesCountAndAnEndpointWithoutAReadyConditionIsReadyButATerminatingOneIsNot()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(TestContext.Current.CancellationToken);
        api.PutNamespace(Ns);
        api.PutEndpointSlice(Ns, "other-abcde", "other", ("other-1", true, false));
        api.PutEndpointSlice(Ns, "logsidecar-injector-x7k2p", Service, ("injector-1", false, true));
        await using var watched = WatchedEndpoints.Start(api, Ns, Service);
        var endpoints = watched.Endpoints;
        var seen = watched.Seen;

        // The first list says "not ready" once: the other Service's ready endpoint is not the webhook's.
        await Condition.WaitAsync(() => !seen.IsEmpty && api.OpenWatchesOf("endpointslices") == 1, "the first list and a watch");
        Assert.Equal([false], seen);
        Assert.False(endpoints.IsReady);
        Assert.Equal(0, endpoints.ReadyEndpoints);
        Assert.Contains("has no ready endpoint", endpoints.NotReadyReason(), StringComparison.Ordinal);
        Assert.Contains("GET endpointslices@logsidecar-system?labelSelector=kubernetes.io/service-name=logsidecar-injector 200", api.Requests);

        // Without the condition (an unknown state): ready, as the API reference says consumers should read it.
        api.PutEndpointSlice(Ns, "logsidecar-injector-x7k2p", Service, ("injector-1", null, false));
        await Condition.WaitAsync(() => endpoints.IsReady, "the endpoint without a ready condition counted");
        Assert.Null(endpoints.NotReadyReason());

        // Dual stack: the same pod in an IPv6 slice too is still one endpoint; a second pod is another.
        api.PutEndpointSlice(Ns, "logsidecar-injector-q9w3z", Service, ("injector-1", true, false), ("injector-2", true, false));
        await Condition.WaitAsync(() => endpoints.ReadyEndpoints == 2, "two distinct ready endpoints");

        api.Delete("endpointslices", Ns, "logsidecar-injector-q9w3z");
        await Condition.WaitAsync(() => endpoints.ReadyEndpoints == 1, "the deleted slice's endpoints gone");
        Assert.True(endpoints.IsReady);

        // The replica is shutting down: terminating, not ready.
        api.PutEndpointSlice(Ns, "logsidecar-injector-x7k2p", Service, ("injector-1", false, true));
        await Condition.WaitAsync(() => !endpoints.IsReady, "the terminating endpoint not counted");

        Assert.Equal([false, true, false], seen);
    }

    [Fact]
    public async Task AServiceWithoutAnyEndpointSliceIsToldAsNotFoundWithTheSettingToChangeOnceUntilASliceAppears()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(TestContext.Current.CancellationToken);
        api.PutNamespace(Ns);
        api.PutEndpointSlice(Ns, "mesh-webhook-abcde", "mesh-webhook", ("mesh-1", true, false));
        await using var watched = WatchedEndpoints.Start(api, Ns, Service);
        var endpoints = watched.Endpoints;
        var seen = watched.Seen;

        // The Service named has no slice at all (the EndpointSlice controller gives every Service with a selector one).
        await Condition.WaitAsync(() => !seen.IsEmpty && api.OpenWatchesOf("endpointslices") == 1, "the first list and a watch");
        var why = endpoints.NotReadyReason();
        Assert.Contains("Service logsidecar-injector is not found in namespace logsidecar-system", why, StringComparison.Ordinal);
        Assert.Contains("Set controller.webhookServiceName to the Service that the MutatingWebhookConfiguration's clientConfig.service names", why, StringComparison.Ordinal);
        Assert.Contains("set controller.webhookByUrl to true", why, StringComparison.Ordinal);

        // Its Service is created: a slice without a ready endpoint is another reason, told once more; then it is ready.
        api.PutEndpointSlice(Ns, "logsidecar-injector-x7k2p", Service, ("injector-1", false, false));
        await Condition.WaitAsync(() => seen.Count == 2, "the change of reason told");
        Assert.Contains("has no ready endpoint", endpoints.NotReadyReason(), StringComparison.Ordinal);
        api.PutEndpointSlice(Ns, "logsidecar-injector-x7k2p", Service, ("injector-1", true, false));
        await Condition.WaitAsync(() => endpoints.IsReady, "the ready endpoint");

        Assert.Equal([false, false, true], seen);
    }

    [Fact]
    public async Task EndpointSlicesThatCannotBeReadSayWhichPermissionIsMissing()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(TestContext.Current.CancellationToken);
        api.Forbid("list", "endpointslices");
        await using var watched = WatchedEndpoints.Start(api, Ns, Service);
        var endpoints = watched.Endpoints;

        await Condition.WaitAsync(() => endpoints.LastError is not null, "the refused list");

        Assert.False(endpoints.IsReady);
        var why = endpoints.NotReadyReason();
        Assert.Contains("cannot be read", why, StringComparison.Ordinal);
        Assert.Contains("grant the 'list' verb on 'endpointslices'", why, StringComparison.Ordinal);
    }
}
