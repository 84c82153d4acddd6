using System.Net.Sockets;
using k8s.Autorest;

namespace LogSidecar.Injector.Certificates;

/// <summary>Runs a KubernetesClient call and turns its exceptions into a <see cref="KubernetesApiFailure"/>, so callers branch on results.</summary>
internal static class KubernetesApi
{
    public static async Task<KubernetesApiResult<T>> CallAsync<T>(Func<Task<T>> call, string verb, string resource, string target)
    {
        try
        {
            return new KubernetesApiResult<T>(await call(), null);
        }
        catch (HttpOperationException e)
        {
            return KubernetesApiFailure.From(e, verb, resource, target);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException) // a reset just after connecting escapes HttpClient unwrapped
        {
            return KubernetesApiFailure.Unreachable(e, verb, resource, target);
        }
    }
}
