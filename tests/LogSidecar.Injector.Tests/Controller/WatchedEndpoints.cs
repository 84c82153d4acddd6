using System.Collections.Concurrent;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary>A <see cref="WebhookEndpoints"/> listing and watching the stand-in, with what its Changed event said in order. Disposing it stops the watch.</summary>
internal sealed class WatchedEndpoints : IAsyncDisposable
{
    private readonly k8s.Kubernetes _client;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private WatchedEndpoints(LoopbackKubernetesApi api, string ns, string service)
    {
        _client = api.CreateClient();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Endpoints = new WebhookEndpoints(_client, ns, service, new FakeTimeProvider(), NullLogger.Instance);
        Endpoints.Changed += Seen.Enqueue;
        _run = Endpoints.RunAsync(_stop.Token);
    }

    public WebhookEndpoints Endpoints { get; }

    /// <summary>What each Changed event said (IsReady), in order.</summary>
    public ConcurrentQueue<bool> Seen { get; } = new();

    public static WatchedEndpoints Start(LoopbackKubernetesApi api, string ns, string service) => new(api, ns, service);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _client.Dispose();
    }
}
