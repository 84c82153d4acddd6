using System.Threading.Channels;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Sources.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Ships Kubernetes Events through the delivery core: while this replica leads (one Lease among replicas), one
/// watch per scope hands each new occurrence to the core, and the resourceVersion up to which everything was
/// delivered goes into the Lease's annotations, so a restart or the next leader resumes there: nothing
/// delivered is shipped again beyond what record ids deduplicate, nothing is missed.
/// </summary>
internal sealed partial class EventsSource(
    EventsOptions options, KubernetesApiClient api, ChannelWriter<LineBatch> output, EventsMetrics metrics, TimeProvider time, ILoggerFactory loggers) : ISource
{
    private readonly ILogger _log = loggers.CreateLogger<EventsSource>();
    private readonly LeaseElector? _elector = options.Lease is { } lease ? new LeaseElector(api, lease, time, loggers.CreateLogger<LeaseElector>()) : null;

    // Checkpoints of a run without a Lease: they live as long as the process.
    private readonly Dictionary<string, string> _memory = new(StringComparer.Ordinal);

    // The feeds of the current leadership, for the pending gauge; replaced whole.
    private volatile EventsFeed[] _feeds = [];

    public bool IsLeader => _elector?.IsLeader ?? true;

    /// <summary>The source the configuration describes, its counters on /metrics; null with a message when the cluster's credentials cannot be found or read.</summary>
    public static EventsSource? TryCreate(
        EventsSourceConfig config, ChannelWriter<LineBatch> output, TimeSpan drainTimeout, SidecarMetrics metrics, TimeProvider time, ILoggerFactory loggers, out string? error)
    {
        var access = ClusterAccess.Find(config.Kubeconfig);
        if (access.Access is null)
        {
            error = $"sources.events: {access.Error}";
            return null;
        }

        LeaseOptions? lease = null;
        if (config.Lease is { } leaseConfig)
        {
            var duration = TimeSpan.FromSeconds(leaseConfig.DurationSeconds);
            var identity = leaseConfig.Identity ?? (Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName);
            if ((leaseConfig.Namespace ?? Environment.GetEnvironmentVariable("POD_NAMESPACE")) is not { Length: > 0 } leaseNamespace)
            {
                error = "sources.events.lease.namespace: no namespace for the Lease; set it (flag --events-lease NAMESPACE/NAME), or POD_NAMESPACE from the downward API (fieldRef metadata.namespace)";
                return null;
            }

            lease = new LeaseOptions(leaseNamespace, leaseConfig.Name, identity)
            {
                // client-go's proportions: 15 s duration, 10 s renew deadline, 2 s retry period.
                Duration = duration,
                RenewDeadline = duration * 2 / 3,
                RetryPeriod = duration / 7.5,
            };
        }

        var options = new EventsOptions(config.Stream, config.Namespaces, TimeSpan.FromSeconds(config.MaxEventAgeSeconds), lease) { DrainTimeout = drainTimeout };
        var counters = new EventsMetrics();
#pragma warning disable CA2000 // The source owns the client and disposes it with itself.
        var source = new EventsSource(options, new KubernetesApiClient(access.Access, time), output, counters, time, loggers);
#pragma warning restore CA2000
        metrics.AddSection(text => counters.Render(text, source.IsLeader, source.Pending));
        Log.Using(source._log, access.Access.Origin, access.Access.Server);
        error = null;
        return source;
    }

    /// <summary>Records handed to the delivery core and not yet delivered.</summary>
    public long Pending => _feeds.Sum(feed => feed.Pending);

    /// <summary>Runs until <paramref name="stop"/>, then waits (up to the drain timeout) for what it shipped to be delivered and writes the last checkpoint.</summary>
    public Task RunAsync(CancellationToken stop) =>
        _elector is null ? LeadAsync(stop) : _elector.RunAsync(LeadAsync, stop);

    public void Dispose() => api.Dispose();

    private async Task LeadAsync(CancellationToken leading)
    {
        var scopes = options.Scopes;
        var feeds = scopes.Select(scope => new EventsFeed(output, options.Stream, scope, metrics, time)).ToArray();
        _feeds = feeds;
        var firstStartFrom = time.GetUtcNow() - options.MaxEventAge;
        var watches = new Task[scopes.Count];
        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            var checkpoint = EventsCheckpoint.Parse(Read(EventsCheckpoint.AnnotationKey(scope)));
            Log.Watching(_log, scope ?? "every namespace", checkpoint?.ResourceVersion ?? "(none: first start)");
            var watch = new EventsWatch(api, scope, metrics, time, loggers.CreateLogger<EventsWatch>());
            watches[i] = RunWatchAsync(watch, checkpoint, firstStartFrom, feeds[i], leading);
        }

        var all = Task.WhenAll(watches);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(options.CheckpointInterval, time, CancellationToken.None));
            SaveDelivered(scopes, feeds);
        }

        // Stopping: what was shipped is delivered while the core drains; the last checkpoint then covers it.
        var deadline = time.GetUtcNow() + options.DrainTimeout;
        while (feeds.Any(feed => feed.Pending > 0) && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None);
        }

        SaveDelivered(scopes, feeds);
    }

    private static async Task RunWatchAsync(EventsWatch watch, EventsCheckpoint? checkpoint, DateTimeOffset firstStartFrom, EventsFeed feed, CancellationToken leading)
    {
        try
        {
            await watch.RunAsync(checkpoint, firstStartFrom, feed, leading);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // Stopped leading or stopping.
        }
        catch (ChannelClosedException)
        {
            // The pipeline is shutting down: what was not delivered is not in the checkpoint and is shipped next time.
        }
    }

    private void SaveDelivered(IReadOnlyList<string?> scopes, EventsFeed[] feeds)
    {
        for (var i = 0; i < feeds.Length; i++)
        {
            if (feeds[i].TakeDelivered() is not { } delivered)
            {
                continue;
            }

            var key = EventsCheckpoint.AnnotationKey(scopes[i]);
            if (_elector is null)
            {
                _memory[key] = delivered.Format();
            }
            else
            {
                _elector.SetAnnotation(key, delivered.Format());
            }

            metrics.CheckpointMoved();
        }
    }

    private string? Read(string key) => _elector is null ? _memory.GetValueOrDefault(key) : _elector.Annotation(key);

    private static partial class Log
    {
        [LoggerMessage(EventId = 721, Level = LogLevel.Information, Message = "Kubernetes Events source: API {Server} from {Origin}")]
        public static partial void Using(ILogger logger, string origin, Uri server);

        [LoggerMessage(EventId = 720, Level = LogLevel.Information, Message = "Shipping Kubernetes Events of {Scope}, from resourceVersion {ResourceVersion}")]
        public static partial void Watching(ILogger logger, string scope, string resourceVersion);
    }
}
