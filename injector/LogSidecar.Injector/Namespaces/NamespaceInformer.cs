using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Diagnostics;

namespace LogSidecar.Injector.Namespaces;

/// <summary>
/// A cache of every namespace's <c>logsidecar.io/</c> annotations, kept by the API's documented list/watch protocol:
/// list, then watch from the list's resourceVersion with bookmarks (which move the resourceVersion on without
/// changes), watch again from the last resourceVersion when the server ends the stream, list again on
/// <c>410 Gone</c> (that resourceVersion is compacted away), and back off exponentially with jitter on errors.
/// Admission never waits for the API: before the first list (or while the API is down at start) a lookup says
/// the namespace is not known, and the webhook answers without its defaults (fails open). A namespace created
/// after the last event seen is read once with a GET, bounded by <see cref="GetTimeout"/>.
/// Only the annotations with the prefix are kept, so memory grows with the namespaces, a few hundred bytes each.
/// </summary>
internal sealed partial class NamespaceInformer
{
    /// <summary>Longest a lookup waits for a GET of a namespace the cache does not have (the webhook's timeout is 5 s).</summary>
    public static readonly TimeSpan GetTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IKubernetes _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RepeatLimiter _repeats;

    // Written by the one loop of RunAsync, read by any number of admissions: each entry is replaced whole.
    private readonly ConcurrentDictionary<string, NamespaceDefaults> _namespaces = new(StringComparer.Ordinal);
    private volatile bool _synced;
    private volatile bool _answered;
    private volatile string? _lastError;
    private string? _resourceVersion;
    private int _failures;
    private long _relists;
    private long _watchErrors;
    private long _unavailable;

    public NamespaceInformer(IKubernetes client, TimeProvider time, ILogger logger)
    {
        _client = client;
        _time = time;
        _logger = logger;
        _repeats = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
    }

    /// <summary>True once the first list has filled the cache.</summary>
    public bool IsSynced => _synced;

    /// <summary>True once the cache is synced or the first list has failed: the webhook is then ready to answer (without defaults if need be).</summary>
    public bool HasAnswered => _answered;

    /// <summary>Lists after the first one (a watch answered 410 Gone).</summary>
    public long Relists => Interlocked.Read(ref _relists);

    /// <summary>Failed lists and watches.</summary>
    public long Errors => Interlocked.Read(ref _watchErrors);

    /// <summary>The last failure, until a list succeeds.</summary>
    public string? LastError => _lastError;

    public void Register(InjectorMetrics metrics)
    {
        metrics.AddGauge("logsidecar_injector_namespace_cache_synced", "1 once the namespace cache has listed every namespace, else 0.", () => _synced ? 1 : 0);
        metrics.AddGauge("logsidecar_injector_namespace_cache_namespaces", "Namespaces in the namespace cache.", () => _namespaces.Count);
        metrics.AddCounter("logsidecar_injector_namespace_relists_total", "Lists of every namespace after the first (410 Gone on a watch).", () => Interlocked.Read(ref _relists));
        metrics.AddCounter("logsidecar_injector_namespace_watch_errors_total", "Failed lists and watches of namespaces (each followed by a backoff).", () => Interlocked.Read(ref _watchErrors));
        metrics.AddCounter("logsidecar_injector_namespace_defaults_unavailable_total", "Admissions answered without their namespace's defaults because the namespace could not be read.", () => Interlocked.Read(ref _unavailable));
    }

    /// <summary>The namespace's defaults, or why they are not known; never waits for the API longer than <see cref="GetTimeout"/>.</summary>
    public async Task<NamespaceLookup> LookupAsync(string name, CancellationToken cancellationToken)
    {
        if (_namespaces.TryGetValue(name, out var cached))
        {
            return NamespaceLookup.Known(cached);
        }

        if (!_synced)
        {
            return Unavailable(name, $"the injector's namespace cache has not synced yet: {_lastError ?? "the first list of namespaces is under way"}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GetTimeout);
        try
        {
            var read = await KubernetesApi.CallAsync(() => _client.CoreV1.ReadNamespaceAsync(name, cancellationToken: timeout.Token), "get", "namespaces", name);
            return read.Failure is { } failure
                ? Unavailable(name, failure.Explain())
                : NamespaceLookup.Known(NamespaceDefaults.From(name, read.Value!.Metadata?.Annotations));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable(name, $"the API server did not answer a get of namespace {name} within {GetTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_resourceVersion is null && !await ListAsync(cancellationToken))
                {
                    await BackoffAsync(cancellationToken);
                    continue;
                }

                switch (await WatchAsync(_resourceVersion!, cancellationToken))
                {
                    case WatchEnd.Closed:
                        _failures = 0;
                        break;
                    case WatchEnd.Gone:
                        Interlocked.Increment(ref _relists);
                        Log.Relisting(_logger, _resourceVersion ?? "");
                        _resourceVersion = null;
                        break;
                    default:
                        await BackoffAsync(cancellationToken);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> ListAsync(CancellationToken cancellationToken)
    {
        KubernetesApiResult<V1NamespaceList> listed;
        try
        {
            listed = await KubernetesApi.CallAsync(() => _client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken), "list", "namespaces", "every namespace");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Fail("list of namespaces timed out");
            return false;
        }

        if (listed.Failure is { } failure)
        {
            Fail(failure.Explain());
            return false;
        }

        var list = listed.Value!;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in list.Items ?? [])
        {
            if (ns.Metadata?.Name is { } name)
            {
                names.Add(name);
                _namespaces[name] = NamespaceDefaults.From(name, ns.Metadata.Annotations);
            }
        }

        // Namespaces deleted while no watch was open are in the old cache only.
        foreach (var gone in _namespaces.Keys.Where(name => !names.Contains(name)).ToList())
        {
            _namespaces.TryRemove(gone, out _);
        }

        _resourceVersion = list.Metadata?.ResourceVersion ?? "";
        _lastError = null;
        _failures = 0;
        _synced = true;
        _answered = true;
        Log.Listed(_logger, names.Count, _resourceVersion);
        return true;
    }

    private async Task<WatchEnd> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var gone = false;
        string? error = null;
        void OnError(Exception e)
        {
            if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                gone = true;
            }
            else
            {
                error ??= e.Message;
            }
        }

        try
        {
            // Like client-go, a random server-side timeout between 5 and 10 minutes, so replicas do not reconnect together.
            var timeoutSeconds = 300 + Random.Shared.Next(300);
            var events = _client.CoreV1.WatchListNamespaceAsync(
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: OnError, cancellationToken: cancellationToken);
            await foreach (var (type, ns) in events)
            {
                Apply(type, ns);
                if (ns.Metadata?.ResourceVersion is { Length: > 0 } next)
                {
                    _resourceVersion = next;
                }
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
        {
            gone = true;
        }
        catch (HttpOperationException e)
        {
            error = KubernetesApiFailure.From(e, "watch", "namespaces", "every namespace").Explain();
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = $"the watch of namespaces broke: {e.Message}";
        }

        if (gone)
        {
            return WatchEnd.Gone;
        }

        if (error is not null)
        {
            Fail(error);
            return WatchEnd.Failed;
        }

        return WatchEnd.Closed;
    }

    private void Apply(WatchEventType type, V1Namespace ns)
    {
        if (ns.Metadata?.Name is not { } name)
        {
            return; // a bookmark carries only a resourceVersion
        }

        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                _namespaces[name] = NamespaceDefaults.From(name, ns.Metadata.Annotations);
                break;
            case WatchEventType.Deleted:
                _namespaces.TryRemove(name, out _);
                break;
        }
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _watchErrors);
        _failures++;
        _lastError = reason;
        _answered = true;
        if (_repeats.ShouldLog("watch", out var heldBack))
        {
            Log.Failed(_logger, reason, heldBack);
        }
    }

    private Task BackoffAsync(CancellationToken cancellationToken)
    {
        var exponent = Math.Min(_failures - 1, 10);
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(exponent, 0)));

        // Full jitter in the upper half: replicas that failed together do not retry together.
        var delay = TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() / 2)));
        return Task.Delay(delay, _time, cancellationToken);
    }

    private NamespaceLookup Unavailable(string name, string reason)
    {
        Interlocked.Increment(ref _unavailable);
        if (_repeats.ShouldLog("unavailable", out var heldBack))
        {
            Log.Unavailable(_logger, name, reason, heldBack);
        }

        return NamespaceLookup.NotKnown(reason);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Namespace cache synced: {Count} namespaces at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, int count, string resourceVersion);

        [LoggerMessage(2, LogLevel.Information, "Namespace watch from resourceVersion {ResourceVersion} answered 410 Gone; listing every namespace again")]
        public static partial void Relisting(ILogger logger, string resourceVersion);

        [LoggerMessage(3, LogLevel.Warning, "Namespace cache: {Reason}; retrying with backoff ({HeldBack} more failures since the last such line)")]
        public static partial void Failed(ILogger logger, string reason, int heldBack);

        [LoggerMessage(4, LogLevel.Warning, "Pods of namespace {Namespace} are answered without its defaults: {Reason} ({HeldBack} more since the last such line)")]
        public static partial void Unavailable(ILogger logger, string @namespace, string reason, int heldBack);
    }
}
