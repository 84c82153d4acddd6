using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Watching;

namespace LogSidecar.Injector.Namespaces;

/// <summary>
/// A cache of every namespace's <c>logsidecar.io/</c> annotations and injection label, kept by <see cref="ListWatch{T}"/>
/// (list, then watch from the list's resourceVersion with bookmarks, 410 Gone -> list again, backoff on errors).
/// Admission never waits for the API: before the first list (or while the API is down at start) a lookup says
/// the namespace is not known, and the webhook answers without its defaults (fails open). A namespace created
/// after the last event seen is read once with a GET, bounded by <see cref="GetTimeout"/>.
/// Only the annotations with the prefix are kept, so memory grows with the namespaces, a few hundred bytes each.
/// </summary>
internal sealed partial class NamespaceInformer : IListWatchTarget<V1Namespace>
{
    /// <summary>Longest a lookup waits for a GET of a namespace the cache does not have (the webhook's timeout is 5 s).</summary>
    public static readonly TimeSpan GetTimeout = TimeSpan.FromSeconds(1);

    private readonly IKubernetes _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RepeatLimiter _repeats;

    // Written by the one loop of RunAsync, read by any number of admissions: each entry is replaced whole.
    private readonly ConcurrentDictionary<string, NamespaceDefaults> _namespaces = new(StringComparer.Ordinal);
    private readonly ListWatch<V1Namespace> _watch;
    private HashSet<string>? _listed;
    private volatile bool _synced;
    private long _unavailable;

    public NamespaceInformer(IKubernetes client, TimeProvider time, ILogger logger)
    {
        _client = client;
        _time = time;
        _logger = logger;
        _repeats = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
        _watch = new ListWatch<V1Namespace>(
            new ListWatchSource<V1Namespace>(
                "namespaces",
                "every namespace",
                async (continueToken, limit, token) =>
                {
                    var list = await client.CoreV1.ListNamespaceAsync(continueParameter: continueToken, limit: limit, cancellationToken: token);
                    return new ListPage<V1Namespace>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
                },
                (resourceVersion, timeoutSeconds, onError, token) => client.CoreV1.WatchListNamespaceAsync(
                    allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: token)),
            this,
            time,
            logger);
    }

    /// <summary>Raised with a namespace's name when its defaults or injection label change, it appears or it goes (on the watch's task).</summary>
    public event Action<string>? Changed;

    /// <summary>Raised at the end of every list, once <see cref="IsSynced"/> is true (on the watch's task).</summary>
    public event Action? Listed;

    /// <summary>The namespace as last seen, or null when the cache does not have it (without asking the API).</summary>
    public NamespaceDefaults? Find(string name) => _namespaces.GetValueOrDefault(name);

    /// <summary>Every namespace in the cache now.</summary>
    public IReadOnlyList<NamespaceDefaults> All => [.. _namespaces.Values];

    /// <summary>True once the first list has filled the cache (set before <see cref="Listed"/> is raised).</summary>
    public bool IsSynced => _synced;

    /// <summary>True once the cache is synced or the first list has failed: the webhook is then ready to answer (without defaults if need be).</summary>
    public bool HasAnswered => _watch.HasAnswered;

    /// <summary>Lists after the first one (a watch answered 410 Gone).</summary>
    public long Relists => _watch.Relists;

    /// <summary>Failed lists and watches.</summary>
    public long Errors => _watch.Errors;

    /// <summary>The last failure, until a list succeeds.</summary>
    public string? LastError => _watch.LastError;

    public void Register(InjectorMetrics metrics)
    {
        metrics.AddGauge("logsidecar_injector_namespace_cache_synced", "1 once the namespace cache has listed every namespace, else 0.", () => _synced ? 1 : 0);
        metrics.AddGauge("logsidecar_injector_namespace_cache_namespaces", "Namespaces in the namespace cache.", () => _namespaces.Count);
        metrics.AddCounter("logsidecar_injector_namespace_relists_total", "Lists of every namespace after the first (410 Gone on a watch).", () => _watch.Relists);
        metrics.AddCounter("logsidecar_injector_namespace_watch_errors_total", "Failed lists and watches of namespaces (each followed by a backoff).", () => _watch.Errors);
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
            return Unavailable(name, $"the injector's namespace cache has not synced yet: {_watch.LastError ?? "the first list of namespaces is under way"}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(GetTimeout);
        try
        {
            var read = await KubernetesApi.CallAsync(() => _client.CoreV1.ReadNamespaceAsync(name, cancellationToken: timeout.Token), "get", "namespaces", name);
            return read.Failure is { } failure
                ? Unavailable(name, failure.Explain())
                : NamespaceLookup.Known(From(read.Value!));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable(name, $"the API server did not answer a get of namespace {name} within {GetTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _watch.RunAsync(cancellationToken);

    void IListWatchTarget<V1Namespace>.BeginList() => _listed = new HashSet<string>(StringComparer.Ordinal);

    ValueTask IListWatchTarget<V1Namespace>.ListedAsync(V1Namespace item, CancellationToken cancellationToken)
    {
        if (item.Metadata?.Name is { } name)
        {
            _listed?.Add(name);
            Store(name, From(item));
        }

        return ValueTask.CompletedTask;
    }

    void IListWatchTarget<V1Namespace>.EndList()
    {
        // Namespaces deleted while no watch was open are in the old cache only.
        foreach (var gone in _namespaces.Keys.Where(name => _listed?.Contains(name) != true).ToList())
        {
            Remove(gone);
        }

        _listed = null;
        _synced = true;
        Listed?.Invoke();
    }

    ValueTask IListWatchTarget<V1Namespace>.ChangedAsync(WatchEventType type, V1Namespace item, CancellationToken cancellationToken)
    {
        var name = item.Metadata.Name;
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Store(name, From(item));
                break;
            case WatchEventType.Deleted:
                Remove(name);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private static NamespaceDefaults From(V1Namespace ns) =>
        NamespaceDefaults.From(ns.Metadata.Name, ns.Metadata.Annotations, ns.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null);

    private void Store(string name, NamespaceDefaults defaults)
    {
        var before = _namespaces.GetValueOrDefault(name);
        _namespaces[name] = defaults;
        if (!defaults.SameAs(before))
        {
            Changed?.Invoke(name);
        }
    }

    private void Remove(string name)
    {
        if (_namespaces.TryRemove(name, out _))
        {
            Changed?.Invoke(name);
        }
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
        [LoggerMessage(4, LogLevel.Warning, "Pods of namespace {Namespace} are answered without its defaults: {Reason} ({HeldBack} more since the last such line)")]
        public static partial void Unavailable(ILogger logger, string @namespace, string reason, int heldBack);
    }
}
