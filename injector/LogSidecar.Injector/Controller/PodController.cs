using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Namespaces;
using LogSidecar.Injector.Watching;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Life after admission. While this replica leads (<see cref="LeaseElector"/>), it lists and watches only the pods
/// that opted in: one watch of every namespace for the label <c>logsidecar.io/inject=true</c>, and one per namespace
/// labelled <c>logsidecar.io/injection=enabled</c> for its pods that do not say either way. Each pod is judged by
/// <see cref="PodAssessor"/>; a pod that misses its sidecar or drifted is reported once (an Event on the pod, a log
/// line, the gauges) and, where repair is allowed, its workload is restarted by <see cref="WorkloadRestarter"/>.
/// Only a small <see cref="PodRecord"/> is kept per pod. A namespace whose defaults or label change has its pods
/// listed again, so drift from a namespace change is seen without waiting for the pods to change, and its pods already
/// reported are repaired when it turns repair on. A repair waits (reports do not) until the namespace cache has listed
/// (whether a namespace says <c>logsidecar.io/repair</c> is not known before) and while the webhook's Service has no ready
/// endpoint (<see cref="WebhookEndpoints"/>: the replacement pods would be admitted without the sidecar again); when
/// both hold again, the pods are listed again and those that waited are repaired. A restart held by
/// <c>controller.maxRestartsPerHour</c> is deferred: one timer lists the pods again when the oldest restart of the hour
/// leaves its window, and the deferred pods are tried again then (held again quietly, with a new timer, if the hour is
/// full again). So is a restart whose patch failed on the way (unreachable API server, 429, 5xx): it is tried again a
/// minute later, and what it had taken of the limits is given back. A restart held by
/// <c>controller.restartIntervalMinutes</c> or refused (403, 404) is not tried again: it needs a person.
/// </summary>
internal sealed partial class PodController
{
    public const string MissingReason = "LogSidecarMissing";
    public const string DriftReason = "LogSidecarDrift";
    public const string RestartReason = "LogSidecarRestarted";
    public const string RestartHeldReason = "LogSidecarRestartHeld";
    public const string ClusterSource = "";

    /// <summary>Pods labelled to opt in, in every namespace.</summary>
    public const string OptInSelector = $"{AnnotationKeys.Inject}=true";

    /// <summary>Pods of a namespace-enabled namespace that say neither true (the other watch has them) nor false.</summary>
    public const string NamespaceSelector = $"{AnnotationKeys.Inject} notin (true,false)";

    private readonly IKubernetes _client;
    private readonly NamespaceInformer _namespaces;
    private readonly PodAssessor _assessor;
    private readonly InjectorOptions _options;
    private readonly EventRecorder _events;
    private readonly WorkloadRestarter _restarter;
    private readonly Func<bool> _leading;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RepeatLimiter _waits;
    private readonly int _pageSize;

    // Written by the watch loops (each pod by the one loop that delivers it), read by scrapes.
    private readonly ConcurrentDictionary<string, PodRecord> _pods = new(StringComparer.Ordinal);

    // Keeps _watches equal to the namespace watches running now: started, stopped and read only under it.
    private readonly Lock _watchLock = new();
    private readonly Dictionary<string, (CancellationTokenSource Stop, ListWatch<V1Pod> Watch, Task Run)> _watches = new(StringComparer.Ordinal);
    private ListWatch<V1Pod>? _cluster;
    private WebhookEndpoints? _webhook;
    private CancellationToken _running;

    // Lists the pods again for the deferred repairs, one per leadership.
    private EarliestTimer? _retry;

    // 1 once a repair waited since the repair gate last opened: the gate opening lists the pods again only then.
    private int _deferred;
    private long _reported;
    private long _reportErrors;
    private long _heldBack;

    public PodController(IKubernetes client, NamespaceInformer namespaces, PodAssessor assessor, InjectorOptions options, Func<bool> leading, string instance, TimeProvider time, ILogger logger, int pageSize = 500)
    {
        _pageSize = pageSize;
        _client = client;
        _namespaces = namespaces;
        _assessor = assessor;
        _options = options;
        _leading = leading;
        _time = time;
        _logger = logger;
        _waits = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
        _events = new EventRecorder(client, instance, time);
        _restarter = new WorkloadRestarter(client, options.Controller, time);
    }

    /// <summary>Pods that miss their sidecar now, by namespace.</summary>
    public IReadOnlyDictionary<string, long> Missing => CountBy(PodState.Missing);

    /// <summary>Pods that drifted now, by namespace.</summary>
    public IReadOnlyDictionary<string, long> Drifted => CountBy(PodState.Drifted);

    /// <summary>Pods the controller keeps a record of.</summary>
    public int Tracked => _pods.Count;

    /// <summary>Events created (pods reported, workloads restarted or held back).</summary>
    public long Reported => Interlocked.Read(ref _reported);

    public long Restarts => _restarter.Restarts;

    /// <summary>Restarts held back by the limits (once per pod, however often a deferred one is tried again).</summary>
    public long RestartsHeld => Interlocked.Read(ref _heldBack);

    /// <summary>Reported pods whose repair waits (namespace cache not listed, no ready webhook endpoint, the hourly cap, or a failed restart's retry).</summary>
    public int RepairsWaiting => _pods.Values.Count(p => p.Repair is RepairState.Waiting or RepairState.Deferred);

    /// <summary>The webhook Service's ready endpoints as this leader sees them (0 when not leading).</summary>
    public int WebhookReadyEndpoints => _webhook?.ReadyEndpoints ?? 0;

    /// <summary>True once the cluster-wide watch has listed once (this leadership).</summary>
    public bool IsSynced => _cluster?.IsSynced == true;

    /// <summary>The namespace watches running now.</summary>
    public IReadOnlyList<string> WatchedNamespaces
    {
        get
        {
            lock (_watchLock)
            {
                return [.. _watches.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public void Register(InjectorMetrics metrics)
    {
        metrics.AddLabelledGauge("logsidecar_injector_pods_missing_sidecar", "Pods that opted in but run without the sidecar (created while the webhook did not answer), by namespace; kept by the leading replica.", "namespace", () => Missing);
        metrics.AddLabelledGauge("logsidecar_injector_pods_drifted", "Pods injected by another injector version or whose sidecar would be rendered differently now, by namespace; kept by the leading replica.", "namespace", () => Drifted);
        metrics.AddGauge("logsidecar_injector_controller_leader", "1 on the replica that leads the controller, else 0.", () => _leading() ? 1 : 0);
        metrics.AddGauge("logsidecar_injector_controller_pods", "Opted-in pods the controller keeps a record of.", () => _pods.Count);
        metrics.AddCounter("logsidecar_injector_controller_events_total", "Events the controller created (missing, drift, restarts).", () => Interlocked.Read(ref _reported));
        metrics.AddCounter("logsidecar_injector_controller_errors_total", "Events and restarts the API server refused or did not answer.", () => Interlocked.Read(ref _reportErrors));
        metrics.AddCounter("logsidecar_injector_workload_restarts_total", "Workloads the controller restarted (repair).", () => _restarter.Restarts);
        metrics.AddCounter("logsidecar_injector_workload_restarts_held_total", "Restarts held back by controller.restartIntervalMinutes or controller.maxRestartsPerHour, once per pod.", () => RestartsHeld);
        metrics.AddGauge("logsidecar_injector_repairs_waiting", "Reported pods whose repair waits for the namespace cache, for a ready webhook endpoint, for controller.maxRestartsPerHour to allow a restart or to try a failed restart again; kept by the leading replica.", () => RepairsWaiting);
        metrics.AddGauge("logsidecar_injector_webhook_ready_endpoints", "Ready endpoints of the webhook's Service (its EndpointSlices); repair restarts workloads only while there is one; kept by the leading replica.", () => WebhookReadyEndpoints);
    }

    /// <summary>Watches and reports until <paramref name="cancellationToken"/> is cancelled (leadership ends).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _pods.Clear();
        _running = cancellationToken;
        using var retry = new EarliestTimer(_time, RetryDeferred);
        _retry = retry;
        var clusterWatch = new ListWatch<V1Pod>(ClusterPods(), new PodWatchTarget(this, ClusterSource), _time, _logger);
        _cluster = clusterWatch;
        // Called by URL, the webhook has no Service whose EndpointSlices could say whether it answers: nothing to wait for.
        var webhook = _options.Controller.WebhookByUrl
            ? null
            : new WebhookEndpoints(_client, _options.InjectorNamespace!, _options.Controller.WebhookServiceName ?? _options.SelfSigned.ServiceName, _time, _logger);
        _webhook = webhook;
        if (webhook is null)
        {
            Log.WebhookByUrl(_logger);
        }
        else
        {
            webhook.Changed += OnWebhookChanged;
        }

        _namespaces.Changed += OnNamespaceChanged;
        _namespaces.Listed += OnRepairGateMayOpen;
        var endpoints = webhook?.RunAsync(cancellationToken) ?? Task.CompletedTask;
        try
        {
            foreach (var ns in _namespaces.All)
            {
                Reconcile(ns.Name);
            }

            await clusterWatch.RunAsync(cancellationToken);
        }
        finally
        {
            _namespaces.Changed -= OnNamespaceChanged;
            _namespaces.Listed -= OnRepairGateMayOpen;
            if (webhook is not null)
            {
                webhook.Changed -= OnWebhookChanged;
            }

            retry.Dispose(); // first: no list of the pods while the watches end
            await endpoints;
            _webhook = null;
            List<(CancellationTokenSource Stop, ListWatch<V1Pod> Watch, Task Run)> stopped;
            lock (_watchLock)
            {
                stopped = [.. _watches.Values];
                _watches.Clear();
            }

            // Their tokens are linked to the one leadership just cancelled: they are ending already.
            foreach (var (stop, _, run) in stopped)
            {
                await run;
                stop.Dispose();
            }

            _pods.Clear();
        }
    }

    /// <summary>Judges a pod a watch delivered, and reports and repairs it when that is new.</summary>
    public async ValueTask ObserveAsync(string source, V1Pod pod, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var uid = pod.Metadata.Uid;
        if (_options.ExcludedNamespaces.Contains(ns, StringComparer.Ordinal) || ns == _options.InjectorNamespace)
        {
            return;
        }

        var verdict = _assessor.Assess(pod, DefaultsOf(ns));
        var report = verdict.State switch
        {
            PodState.Missing => "missing",
            PodState.Drifted => "drift:" + (verdict.CurrentHash ?? verdict.Version),
            _ => null,
        };
        var before = _pods.GetValueOrDefault(uid);
        var reported = before?.Reported;
        var repair = before?.Repair ?? RepairState.Off;
        if (report is not null && _leading())
        {
            if (report != reported && await ReportAsync(pod, verdict, report, cancellationToken))
            {
                reported = report;
                repair = RepairState.Off;
            }

            // Also for a pod reported before: its repair may have waited, or its namespace may have turned repair on.
            if (report == reported && repair != RepairState.Done)
            {
                repair = await RepairIfAllowedAsync(pod, repair, cancellationToken);
            }
        }

        _pods[uid] = report is null
            ? new PodRecord(ns, pod.Metadata.Name, source, verdict.State, null, RepairState.Off)
            : new PodRecord(ns, pod.Metadata.Name, source, verdict.State, reported, repair);
    }

    public void Forget(string uid) => _pods.TryRemove(uid, out _);

    public void ForgetUnlisted(string source, IReadOnlySet<string> listed)
    {
        foreach (var (uid, record) in _pods)
        {
            if (record.Source == source && !listed.Contains(uid))
            {
                _pods.TryRemove(uid, out _);
            }
        }
    }

    private async Task<bool> ReportAsync(V1Pod pod, PodAssessment verdict, string report, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        var missing = verdict.State == PodState.Missing;
        var about = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = name, NamespaceProperty = ns, Uid = pod.Metadata.Uid };
        var suffix = $"logsidecar-{(missing ? "missing" : "drift")}.{Short(pod.Metadata.Uid + report)}";
        var message = $"Pod {ns}/{name}: {verdict.Why}";
        if (missing)
        {
            Log.Missing(_logger, ns, name, verdict.Why);
        }
        else
        {
            Log.Drifted(_logger, ns, name, verdict.Why);
        }

        return await EventAsync(about, suffix, missing ? MissingReason : DriftReason, message, cancellationToken);
    }

    /// <summary>The namespace as the judgement sees it: without its annotations when namespaceDefaults is off (as the webhook), the label still counts.</summary>
    private NamespaceDefaults? DefaultsOf(string ns)
    {
        var defaults = _namespaces.Find(ns);
        return defaults is not null && !_options.NamespaceDefaults
            ? defaults with { Annotations = new Dictionary<string, string>() }
            : defaults;
    }

    /// <summary>Repairs a reported pod when its namespace (or the configuration) wants it and the repair gate is open; else says it waits.</summary>
    private async Task<RepairState> RepairIfAllowedAsync(V1Pod pod, RepairState before, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (Blocked(NamespacesNotListed) is { } notListed)
        {
            return Wait(pod, "namespaces", notListed, before);
        }

        if (!(DefaultsOf(ns)?.Repair ?? _options.Controller.Repair))
        {
            return RepairState.Off;
        }

        if (Blocked(WebhookNotReady) is { } notReady)
        {
            return Wait(pod, "webhook", notReady, before);
        }

        return await RepairAsync(pod, before, cancellationToken);
    }

    /// <summary>Why the webhook may not answer now, or null (always null when it is called by URL: nothing tells).</summary>
    private string? WebhookNotReady() => _options.Controller.WebhookByUrl
        ? null
        : _webhook is { } webhook ? webhook.NotReadyReason() : "the controller is not leading";

    private string? NamespacesNotListed() => _namespaces.IsSynced
        ? null
        : $"the namespace cache has not listed the namespaces yet, so whether the pod's namespace says {AnnotationKeys.Repair} is not known{(_namespaces.LastError is { } error ? $" ({error})" : "")}";

    /// <summary>
    /// Why a repair must wait, or null. The flag is raised before the second look, so a gate that opens in between
    /// either is seen open here or sees the flag and lists the pods again: no waiting pod is missed.
    /// </summary>
    private string? Blocked(Func<string?> blocker)
    {
        if (blocker() is null)
        {
            return null;
        }

        Interlocked.Exchange(ref _deferred, 1);
        return blocker();
    }

    private RepairState Wait(V1Pod pod, string kind, string why, RepairState before)
    {
        if (before != RepairState.Waiting && _waits.ShouldLog(kind, out var heldBack))
        {
            Log.RepairWaits(_logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, why, heldBack);
        }

        return RepairState.Waiting;
    }

    private void OnWebhookChanged(bool ready)
    {
        if (!ready)
        {
            // Pods of a restart made before now may have been admitted while nothing answered.
            _restarter.WebhookWasDown();
            Log.WebhookNotReady(_logger, WebhookNotReady() ?? "", RepairsWaiting);
            return;
        }

        OnRepairGateMayOpen();
    }

    /// <summary>When nothing holds repair back any more and some repair waited, lists the pods again: those that waited are repaired.</summary>
    private void OnRepairGateMayOpen()
    {
        if (NamespacesNotListed() is not null || WebhookNotReady() is not null || Interlocked.Exchange(ref _deferred, 0) == 0)
        {
            return;
        }

        var open = _webhook is { } webhook
            ? $"the webhook Service {webhook.Service} has {webhook.ReadyEndpoints} ready endpoints and the namespaces are listed"
            : "the namespaces are listed (the webhook is called by URL)";
        Log.RepairResumes(_logger, open, RepairsWaiting);
        RelistAll();
    }

    private void RelistAll()
    {
        _cluster?.RequestRelist();
        lock (_watchLock)
        {
            foreach (var watch in _watches.Values)
            {
                watch.Watch.RequestRelist();
            }
        }
    }

    private void RetryDeferred()
    {
        if (_running.IsCancellationRequested)
        {
            return;
        }

        Log.RetryingDeferred(_logger, _pods.Values.Count(p => p.Repair == RepairState.Deferred));
        RelistAll();
    }

    /// <summary>
    /// Restarts the pod's workload; says <see cref="RepairState.Deferred"/> when the hourly cap holds it or the patch
    /// failed on the way to the API server, reported only the first time.
    /// </summary>
    private async Task<RepairState> RepairAsync(V1Pod pod, RepairState before, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var (workload, why) = await _restarter.OwnerAsync(pod, cancellationToken);
        if (workload is null)
        {
            Log.NotRepaired(_logger, ns, pod.Metadata.Name, why!);
            return RepairState.Done;
        }

        var outcome = await _restarter.RestartAsync(workload, pod, cancellationToken);
        if (outcome.Result is RestartResult.Refused or RestartResult.Failed)
        {
            Interlocked.Increment(ref _reportErrors); // each patch the API server refused or did not answer
        }

        var what = $"{workload.Kind} {ns}/{workload.Name}";
        var deferred = outcome.IsDeferred;
        if (deferred)
        {
            _retry?.After(outcome.RetryAfter ?? TimeSpan.FromHours(1));
            if (before == RepairState.Deferred)
            {
                // Told when it was first held; trying it again is not news.
                return RepairState.Deferred;
            }
        }

        if (outcome.Result is RestartResult.HeldByInterval or RestartResult.HeldByHourlyCap)
        {
            Interlocked.Increment(ref _heldBack);
        }

        if (outcome.Result == RestartResult.Restarted)
        {
            var again = outcome.Why.Length > 0 ? $" ({outcome.Why})" : "";
            Log.Restarted(_logger, what, pod.Metadata.Name, again);
            await EventAsync(workload, $"logsidecar-restart.{_time.GetUtcNow().ToUnixTimeSeconds()}.{Short(pod.Metadata.Uid)}", RestartReason, $"{what} restarted (pod template annotation {AnnotationKeys.RestartedAt}) so that pod {pod.Metadata.Name} and its siblings are created again with the sidecar{again}", cancellationToken);
        }
        else if (outcome.IsHeld)
        {
            Log.RestartHeld(_logger, what, outcome.Why);
            await EventAsync(workload, $"logsidecar-restart-held.{Short(pod.Metadata.Uid)}", RestartHeldReason, $"{what} was not restarted for pod {pod.Metadata.Name}: {outcome.Why}", cancellationToken);
        }
        else
        {
            Log.NotRepaired(_logger, ns, pod.Metadata.Name, outcome.Why);
        }

        return deferred ? RepairState.Deferred : RepairState.Done;
    }

    private async Task<bool> EventAsync(V1ObjectReference about, string suffix, string reason, string message, CancellationToken cancellationToken)
    {
        var failure = await _events.RecordAsync(about, suffix, reason, message, cancellationToken);
        if (failure is null)
        {
            Interlocked.Increment(ref _reported);
            return true;
        }

        Interlocked.Increment(ref _reportErrors);
        Log.EventFailed(_logger, reason, about.NamespaceProperty, about.Name, failure.Explain());
        return false;
    }

    private void OnNamespaceChanged(string name)
    {
        Reconcile(name);

        // Its pods may judge differently now (defaults, label): list them again.
        _cluster?.RequestRelist();
        lock (_watchLock)
        {
            if (_watches.TryGetValue(name, out var watch))
            {
                watch.Watch.RequestRelist();
            }
        }
    }

    /// <summary>Starts the watch of a namespace that became enabled, stops the one of a namespace that no longer is.</summary>
    private void Reconcile(string name)
    {
        var wanted = _namespaces.Find(name) is { IsEnabled: true }
            && !_options.ExcludedNamespaces.Contains(name, StringComparer.Ordinal) && name != _options.InjectorNamespace;
        lock (_watchLock)
        {
            if (_running.IsCancellationRequested)
            {
                return;
            }

            if (wanted && !_watches.ContainsKey(name))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(_running);
                var watch = new ListWatch<V1Pod>(NamespacePods(name), new PodWatchTarget(this, name), _time, _logger);
                _watches[name] = (stop, watch, watch.RunAsync(stop.Token));
            }
            else if (!wanted && _watches.Remove(name, out var gone))
            {
                gone.Stop.Cancel();
                _ = gone.Run.ContinueWith(_ => gone.Stop.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                ForgetUnlisted(name, new HashSet<string>());
            }
        }
    }

    private ListWatchSource<V1Pod> ClusterPods() => new(
        "pods",
        $"every namespace, labelled {OptInSelector}",
        async (continueToken, limit, token) =>
        {
            var list = await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: OptInSelector, limit: limit, continueParameter: continueToken, cancellationToken: token);
            return new ListPage<V1Pod>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        (resourceVersion, timeoutSeconds, onError, token) => _client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, labelSelector: OptInSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: token))
    {
        PageSize = _pageSize,
    };

    private ListWatchSource<V1Pod> NamespacePods(string ns) => new(
        "pods",
        $"namespace {ns}, labelled {NamespaceSelector}",
        async (continueToken, limit, token) =>
        {
            var list = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: NamespaceSelector, limit: limit, continueParameter: continueToken, cancellationToken: token);
            return new ListPage<V1Pod>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        },
        (resourceVersion, timeoutSeconds, onError, token) => _client.CoreV1.WatchListNamespacedPodAsync(
            ns, allowWatchBookmarks: true, labelSelector: NamespaceSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: token))
    {
        PageSize = _pageSize,
    };

    private Dictionary<string, long> CountBy(PodState state) =>
        _pods.Values.GroupBy(p => p.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(p => p.State == state), StringComparer.Ordinal);

    private static string Short(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 5));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Pod {Namespace}/{Pod} misses its sidecar: {Why}")]
        public static partial void Missing(ILogger logger, string @namespace, string pod, string why);

        [LoggerMessage(2, LogLevel.Information, "Pod {Namespace}/{Pod} drifted: {Why}")]
        public static partial void Drifted(ILogger logger, string @namespace, string pod, string why);

        [LoggerMessage(3, LogLevel.Warning, "Restarted {Workload} to inject pod {Pod} again{Again}")]
        public static partial void Restarted(ILogger logger, string workload, string pod, string again);

        [LoggerMessage(4, LogLevel.Warning, "Did not restart {Workload} now: {Why}")]
        public static partial void RestartHeld(ILogger logger, string workload, string why);

        [LoggerMessage(5, LogLevel.Information, "Pod {Namespace}/{Pod} is only reported, not repaired: {Why}")]
        public static partial void NotRepaired(ILogger logger, string @namespace, string pod, string why);

        [LoggerMessage(6, LogLevel.Warning, "Could not create the {Reason} Event on {Namespace}/{Name}: {Why}; it is tried again at the next change or list")]
        public static partial void EventFailed(ILogger logger, string reason, string @namespace, string name, string why);

        [LoggerMessage(7, LogLevel.Warning, "Repair of pod {Namespace}/{Pod} waits: {Why}; it is reported, and repaired once that changes ({HeldBack} more pods waited since the last such line)")]
        public static partial void RepairWaits(ILogger logger, string @namespace, string pod, string why, int heldBack);

        [LoggerMessage(8, LogLevel.Warning, "Repair waits: {Why} ({Waiting} pods wait now)")]
        public static partial void WebhookNotReady(ILogger logger, string why, int waiting);

        [LoggerMessage(9, LogLevel.Information, "Repair resumes: {Open}; listing the pods again to repair the {Waiting} that waited")]
        public static partial void RepairResumes(ILogger logger, string open, int waiting);

        [LoggerMessage(10, LogLevel.Information, "Listing the pods again to repair the {Deferred} held by controller.maxRestartsPerHour (the hour allows a restart again) or whose restart failed on the way to the API server")]
        public static partial void RetryingDeferred(ILogger logger, int deferred);

        [LoggerMessage(11, LogLevel.Warning, "controller.webhookByUrl is true: repair does not wait for a ready webhook endpoint, since a webhook called by URL has no Service whose EndpointSlices tell. A workload restarted while the injector is down or not yet Ready has its new pods admitted without the sidecar again: they are reported, and their restart is held by controller.restartIntervalMinutes with what to check")]
        public static partial void WebhookByUrl(ILogger logger);
    }
}
