namespace LogSidecar.Injector.Controller;

/// <summary>What <see cref="WorkloadRestarter.RestartAsync"/> did with a workload.</summary>
internal enum RestartResult
{
    /// <summary>Patched: the workload rolls its pods.</summary>
    Restarted,

    /// <summary>Restarted before this pod's template was rolled: the rollout under way replaces the pod, nothing to do.</summary>
    BeingReplaced,

    /// <summary>
    /// Restarted less than controller.restartIntervalMinutes ago while the webhook had a ready endpoint, and this pod is
    /// one of its replacements: the webhook did not answer the API server, which a person must fix; not tried again.
    /// </summary>
    HeldByInterval,

    /// <summary>controller.maxRestartsPerHour workloads were restarted in the last hour: tried again when the hour allows.</summary>
    HeldByHourlyCap,

    /// <summary>The API server refused the patch (RBAC, the workload is gone): a person must act; not tried again.</summary>
    Refused,

    /// <summary>The patch did not reach the API server, or it was throttling or failing (429, 5xx): tried again later.</summary>
    Failed,
}
