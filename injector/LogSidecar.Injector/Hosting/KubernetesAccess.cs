using k8s;
using k8s.Exceptions;
using YamlDotNet.Core;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// Where the injector finds the Kubernetes API. <c>serve</c> (namespace defaults, the controller, self-signed
/// certificates, <c>native: auto</c>) uses the kubeconfig files named by <c>KUBECONFIG</c> when it is set, at their
/// current context, else the pod's service account; unlike <c>check</c> it does not fall back to
/// <c>~/.kube/config</c>: a webhook started on a workstation should not act on whichever cluster its user last
/// worked with. <c>check</c> reads them as kubectl does: <c>KUBECONFIG</c>, <c>~/.kube/config</c>, the service account.
/// </summary>
internal static class KubernetesAccess
{
    /// <summary>
    /// For <c>serve</c>: the configuration to use, none (outside a pod without <c>KUBECONFIG</c>), or why the files of
    /// <paramref name="kubeconfig"/> (the value of <c>KUBECONFIG</c>) cannot be used.
    /// </summary>
    public static (KubernetesClientConfiguration? Config, string? Error) ForServe(string? kubeconfig)
    {
        if (string.IsNullOrEmpty(kubeconfig))
        {
            return (KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : null, null);
        }

        // With KUBECONFIG set, the client's default loading reads exactly its files, merged as kubectl merges them.
        return Load(reason => $"KUBECONFIG {kubeconfig}: {reason}; point KUBECONFIG at a readable kubeconfig with a current context, or unset it to use the pod's service account");
    }

    /// <summary>For <c>check</c>: the configuration kubectl would use, or why there is none.</summary>
    public static (KubernetesClientConfiguration? Config, string? Error) ForCheck() =>
        Load(reason => $"no cluster to check: {reason}; set KUBECONFIG to a kubeconfig file (or use ~/.kube/config), or run it in a pod with a service account");

    private static (KubernetesClientConfiguration? Config, string? Error) Load(Func<string, string> explain)
    {
        try
        {
            return (KubernetesClientConfiguration.BuildDefaultConfig(), null);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or YamlException)
        {
            // A missing file, one that is not YAML, or one without a usable context or server.
            return (null, explain(e.Message));
        }
    }
}
