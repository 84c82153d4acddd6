using k8s;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Hosting;

/// <summary>Asks the API server for its version (for <c>native: auto</c>).</summary>
internal static partial class KubernetesVersionProbe
{
    /// <summary>The API server's version through <paramref name="client"/>, or null (logged) when it does not say.</summary>
    public static async Task<Version?> DiscoverAsync(IKubernetes client, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var info = await client.Version.GetCodeAsync(timeout.Token);
            var version = NativeModes.ParseKubernetesVersion(info.GitVersion) ?? NativeModes.ParseKubernetesVersion($"{info.Major}.{info.Minor}");
            Log.Discovered(logger, info.GitVersion ?? "?");
            return version;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or k8s.Autorest.HttpOperationException or k8s.Exceptions.KubeConfigException)
        {
            Log.Failed(logger, e.Message);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Kubernetes API server version {Version}")]
        public static partial void Discovered(ILogger logger, string version);

        [LoggerMessage(2, LogLevel.Warning, "Cannot read the Kubernetes version ({Reason}); native: auto falls back to classic sidecar containers. Set kubernetesVersion or native in the configuration")]
        public static partial void Failed(ILogger logger, string reason);
    }
}
