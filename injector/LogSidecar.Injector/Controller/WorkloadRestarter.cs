using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Restarts the workload that owns a pod the way <c>kubectl rollout restart</c> does: a strategic merge patch that sets
/// the pod template annotation <c>logsidecar.io/restarted-at</c> to the time, so the workload's own controller rolls its
/// pods with its own update strategy (maxUnavailable, PodDisruptionBudgets respected). The owner is found through the
/// controller ownerReference: Deployment (pod -> ReplicaSet -> Deployment), StatefulSet or DaemonSet. Bare pods, Jobs
/// and ReplicaSets without a Deployment are only reported. At most one restart per workload per
/// <see cref="ControllerOptions.RestartIntervalMinutes"/> and <see cref="ControllerOptions.MaxRestartsPerHour"/> in all;
/// a restart held by the hourly cap says when the cap allows one again (<see cref="RestartOutcome.RetryAfter"/>).
/// </summary>
internal sealed class WorkloadRestarter(IKubernetes client, ControllerOptions options, TimeProvider time)
{
    /// <summary>How long after a patch that failed on the way (unreachable API server, 429, 5xx) it is tried again.</summary>
    public static readonly TimeSpan FailedRetry = TimeSpan.FromMinutes(1);

    // Keeps the per-workload restarts, the global window and the last webhook outage consistent with each other across
    // concurrent callers.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long At, string Stamp, long Outages)> _lastRestart = new(StringComparer.Ordinal);
    private readonly Queue<long> _window = new();
    private long _outages;
    private long _restarts;

    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>
    /// The webhook's Service was seen without a ready endpoint: a restart made before now may have had its pods admitted
    /// while nothing answered, so it does not hold the next one.
    /// </summary>
    public void WebhookWasDown()
    {
        lock (_lock)
        {
            _outages++;
        }
    }

    /// <summary>The workload that owns <paramref name="pod"/> and can be restarted, or why there is none.</summary>
    public async Task<(V1ObjectReference? Workload, string? Why)> OwnerAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var owner = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        switch (owner?.Kind)
        {
            case null:
                return (null, "it is a bare pod without a controller: delete it and create it again once the injector answers");
            case "StatefulSet" or "DaemonSet":
                return (Reference(owner.Kind, owner.Name, ns), null);
            case "ReplicaSet":
                var read = await KubernetesApi.CallAsync(() => client.AppsV1.ReadNamespacedReplicaSetAsync(owner.Name, ns, cancellationToken: cancellationToken), "get", "replicasets", $"{ns}/{owner.Name}");
                if (read.Failure is { } failure)
                {
                    return (null, failure.Explain());
                }

                return read.Value!.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { Kind: "Deployment" } deployment
                    ? (Reference("Deployment", deployment.Name, ns), null)
                    : (null, $"its ReplicaSet {owner.Name} has no Deployment: scale it down and up again");
            default:
                return (null, $"it belongs to {owner.Kind} {owner.Name}, which is not restarted automatically (Jobs run to completion): recreate it once the injector answers");
        }
    }

    /// <summary>
    /// Restarts <paramref name="workload"/> for <paramref name="pod"/> unless a limit holds it: at most once per
    /// restartIntervalMinutes (a pod from before that restart is replaced by its rollout; a restart followed by a webhook
    /// outage does not count) and maxRestartsPerHour in all.
    /// </summary>
    public async Task<RestartOutcome> RestartAsync(V1ObjectReference workload, V1Pod pod, CancellationToken cancellationToken)
    {
        var key = $"{workload.NamespaceProperty}/{workload.Kind}/{workload.Name}";
        var command = $"kubectl rollout restart {workload.Kind.ToLowerInvariant()}/{workload.Name} -n {workload.NamespaceProperty}";
        var now = time.GetTimestamp();
        var interval = (long)(TimeSpan.FromMinutes(options.RestartIntervalMinutes).TotalSeconds * time.TimestampFrequency);
        var hour = 3600 * time.TimestampFrequency;
        var at = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var why = "";
        (long At, string Stamp, long Outages)? previous = null;
        lock (_lock)
        {
            while (_window.TryPeek(out var oldest) && now - oldest >= hour)
            {
                _window.Dequeue();
            }

            foreach (var stale in _lastRestart.Where(p => now - p.Value.At >= interval).Select(p => p.Key).ToList())
            {
                _lastRestart.Remove(stale);
            }

            if (_lastRestart.TryGetValue(key, out var last))
            {
                previous = last;
                // The replacements carry the pod template annotation of that restart; a pod without it predates it.
                if (pod.Metadata.Annotations is not { } annotations || !annotations.TryGetValue(AnnotationKeys.RestartedAt, out var stamp) || stamp != last.Stamp)
                {
                    return new RestartOutcome(RestartResult.BeingReplaced, $"it was restarted at {last.Stamp} and that rollout replaces this pod");
                }

                if (last.Outages == _outages)
                {
                    var seen = options.WebhookByUrl
                        ? "and this pod of that restart still came up without the sidecar: the API server got no answer from the webhook at its URL (controller.webhookByUrl: whether the webhook was up is not known). Check that the URL reaches a Ready injector"
                        : "while its webhook Service had a ready endpoint, and this pod of that restart still came up without the sidecar: the API server got no answer from the webhook. Check that it can reach it";
                    return new RestartOutcome(
                        RestartResult.HeldByInterval,
                        $"it was restarted at {last.Stamp}, less than {options.RestartIntervalMinutes} minutes ago (controller.restartIntervalMinutes), {seen} (the caBundle of the MutatingWebhookConfiguration, NetworkPolicies from the API server to the injector, the injector's log), then run {command}");
                }

                why = $"its restart at {last.Stamp} was followed by a time without a ready webhook endpoint, so that restart's pods may have been admitted without the sidecar and it does not count";
            }

            if (_window.Count >= options.MaxRestartsPerHour)
            {
                // The oldest restart of the window leaves it then, and one restart is allowed again.
                var wait = time.GetElapsedTime(now, _window.Peek() + hour);
                var when = (time.GetUtcNow() + wait).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                return new RestartOutcome(
                    RestartResult.HeldByHourlyCap,
                    $"{options.MaxRestartsPerHour} workloads were restarted in the last hour (controller.maxRestartsPerHour); the controller tries again when the hour allows one more, at {when}, if the pod still needs it. To repair it sooner, run {command}, or raise controller.maxRestartsPerHour",
                    wait);
            }

            // Taken before the call, so a concurrent caller cannot restart the same workload twice.
            _lastRestart[key] = (now, at, _outages);
            _window.Enqueue(now);
        }

        var patch = new V1Patch(new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [AnnotationKeys.RestartedAt] = at } } } },
        }.ToJsonString(), V1Patch.PatchType.StrategicMergePatch);
        var ns = workload.NamespaceProperty;
        var result = workload.Kind switch
        {
            "Deployment" => (await KubernetesApi.CallAsync(() => client.AppsV1.PatchNamespacedDeploymentAsync(patch, workload.Name, ns, cancellationToken: cancellationToken), "patch", "deployments", $"{ns}/{workload.Name}")).Failure,
            "StatefulSet" => (await KubernetesApi.CallAsync(() => client.AppsV1.PatchNamespacedStatefulSetAsync(patch, workload.Name, ns, cancellationToken: cancellationToken), "patch", "statefulsets", $"{ns}/{workload.Name}")).Failure,
            _ => (await KubernetesApi.CallAsync(() => client.AppsV1.PatchNamespacedDaemonSetAsync(patch, workload.Name, ns, cancellationToken: cancellationToken), "patch", "daemonsets", $"{ns}/{workload.Name}")).Failure,
        };
        if (result is not null)
        {
            // Nothing was restarted: the next attempt must not be taken for this one's rollout or count against the limits.
            Release(key, now, previous);
            return result.IsTransient
                ? new RestartOutcome(RestartResult.Failed, $"{result.Explain()}; the controller tries again in {FailedRetry.TotalMinutes:0} minute, if the pod still needs it", FailedRetry)
                : new RestartOutcome(RestartResult.Refused, result.Explain());
        }

        Interlocked.Increment(ref _restarts);
        return new RestartOutcome(RestartResult.Restarted, why);
    }

    /// <summary>Gives back what a restart that did not happen took: its place in the hour's window and the workload's last restart.</summary>
    private void Release(string key, long at, (long At, string Stamp, long Outages)? previous)
    {
        lock (_lock)
        {
            if (_lastRestart.TryGetValue(key, out var taken) && taken.At == at)
            {
                if (previous is { } restored)
                {
                    _lastRestart[key] = restored;
                }
                else
                {
                    _lastRestart.Remove(key);
                }
            }

            // One entry of that time (others may share it): the window keeps its order.
            var removed = false;
            for (var count = _window.Count; count > 0; count--)
            {
                var t = _window.Dequeue();
                if (!removed && t == at)
                {
                    removed = true;
                    continue;
                }

                _window.Enqueue(t);
            }
        }
    }

    private static V1ObjectReference Reference(string kind, string name, string ns) =>
        new() { ApiVersion = "apps/v1", Kind = kind, Name = name, NamespaceProperty = ns };
}
