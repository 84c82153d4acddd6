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
/// <see cref="ControllerOptions.RestartIntervalMinutes"/> and <see cref="ControllerOptions.MaxRestartsPerHour"/> in all.
/// </summary>
internal sealed class WorkloadRestarter(IKubernetes client, ControllerOptions options, TimeProvider time)
{
    // Keeps the per-workload times and the global window consistent with each other across concurrent callers.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _lastRestart = new(StringComparer.Ordinal);
    private readonly Queue<long> _window = new();
    private long _restarts;
    private long _heldBack;

    public long Restarts => Interlocked.Read(ref _restarts);

    public long HeldBack => Interlocked.Read(ref _heldBack);

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

    /// <summary>Null when restarted; else why not now (rate limits) or the API's refusal.</summary>
    public async Task<string?> RestartAsync(V1ObjectReference workload, CancellationToken cancellationToken)
    {
        var key = $"{workload.NamespaceProperty}/{workload.Kind}/{workload.Name}";
        var now = time.GetTimestamp();
        var interval = (long)(TimeSpan.FromMinutes(options.RestartIntervalMinutes).TotalSeconds * time.TimestampFrequency);
        var hour = 3600 * time.TimestampFrequency;
        lock (_lock)
        {
            while (_window.TryPeek(out var oldest) && now - oldest >= hour)
            {
                _window.Dequeue();
            }

            foreach (var stale in _lastRestart.Where(p => now - p.Value >= interval).Select(p => p.Key).ToList())
            {
                _lastRestart.Remove(stale);
            }

            if (_lastRestart.ContainsKey(key))
            {
                Interlocked.Increment(ref _heldBack);
                return $"it was restarted less than {options.RestartIntervalMinutes} minutes ago (controller.restartIntervalMinutes)";
            }

            if (_window.Count >= options.MaxRestartsPerHour)
            {
                Interlocked.Increment(ref _heldBack);
                return $"{options.MaxRestartsPerHour} workloads were restarted in the last hour (controller.maxRestartsPerHour)";
            }

            // Taken before the call, so a concurrent caller cannot restart the same workload twice.
            _lastRestart[key] = now;
            _window.Enqueue(now);
        }

        var at = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
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
            return result.Explain();
        }

        Interlocked.Increment(ref _restarts);
        return null;
    }

    private static V1ObjectReference Reference(string kind, string name, string ns) =>
        new() { ApiVersion = "apps/v1", Kind = kind, Name = name, NamespaceProperty = ns };
}
