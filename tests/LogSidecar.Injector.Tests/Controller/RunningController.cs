using k8s;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Namespaces;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary>
/// One injector replica's controller against the stand-in: its namespace cache, and its pod controller run by a
/// <see cref="LeaseElector"/> on the shared Lease. Disposing it stops both (the leader releases the lease).
/// </summary>
internal sealed class RunningController : IAsyncDisposable
{
    private readonly Kubernetes _client;
    private readonly CancellationTokenSource _stop;
    private readonly Task _namespaceLoop;
    private readonly Task _electionLoop;

    private RunningController(LoopbackKubernetesApi api, InjectorOptions options, TimeProvider time, string identity, int pageSize)
    {
        _client = api.CreateClient();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Namespaces = new NamespaceInformer(_client, time, NullLogger.Instance);
        Elector = new LeaseElector(_client, options.InjectorNamespace!, identity, options.Controller, time, NullLogger.Instance);
        Pods = new PodController(_client, Namespaces, new PodAssessor(new PodInjector(options, nativeByDefault: true)), options, () => Elector.IsLeader, identity, time, NullLogger.Instance, pageSize);
        Metrics = new InjectorMetrics();
        Pods.Register(Metrics);
        _namespaceLoop = Namespaces.RunAsync(_stop.Token);
        _electionLoop = Elector.RunAsync(Pods.RunAsync, _stop.Token);
    }

    public NamespaceInformer Namespaces { get; }

    public LeaseElector Elector { get; }

    public PodController Pods { get; }

    public InjectorMetrics Metrics { get; }

    public static RunningController Start(LoopbackKubernetesApi api, InjectorOptions options, TimeProvider time, string identity = "replica-a", int pageSize = 500) =>
        new(api, options, time, identity, pageSize);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _electionLoop;
        await _namespaceLoop;
        _stop.Dispose();
        _client.Dispose();
    }
}
