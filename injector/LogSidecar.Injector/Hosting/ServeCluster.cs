using k8s;
using k8s.Exceptions;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// Where <c>serve</c> finds the Kubernetes API (namespace defaults, the controller, self-signed certificates,
/// <c>native: auto</c>): the kubeconfig files named by <c>KUBECONFIG</c> when it is set, at their current context as
/// kubectl and <c>check</c> read them; else the pod's service account. Unlike <c>check</c>, <c>serve</c> does not fall
/// back to <c>~/.kube/config</c>: a webhook started on a workstation should not act on whichever cluster its user
/// last worked with.
/// </summary>
internal static class ServeCluster
{
    /// <summary>
    /// The configuration to use, none (outside a cluster without <c>KUBECONFIG</c>), or why the files of
    /// <paramref name="kubeconfig"/> (the value of <c>KUBECONFIG</c>) cannot be used.
    /// </summary>
    public static (KubernetesClientConfiguration? Config, string? Error) Find(string? kubeconfig)
    {
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            try
            {
                // With KUBECONFIG set, the client's default loading reads exactly its files, merged as kubectl merges them.
                return (KubernetesClientConfiguration.BuildDefaultConfig(), null);
            }
            catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
            {
                return (null, $"KUBECONFIG {kubeconfig}: {e.Message}; point KUBECONFIG at a readable kubeconfig with a current context, or unset it to use the pod's service account");
            }
        }

        return (KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig() : null, null);
    }
}
