using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Mutation;

/// <summary>DNS-safe names of what the injector adds, made unique against the pod's own names.</summary>
internal static class SidecarNames
{
    public const string Container = "logsidecar";
    public const string Volume = "logsidecar-logs";
    public const string CredentialsVolume = "logsidecar-credentials";

    /// <summary>The empty volume that hides the service-account token from the sidecar.</summary>
    public const string TokenShadowVolume = "logsidecar-no-token";

    /// <summary>Where the kubelet mounts the pod's service-account token; the ServiceAccount admission plugin skips a container that already mounts something here.</summary>
    public const string ServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string CredentialsMountPath = SidecarPaths.CredentialsDir;
    public const string ConfigVariable = "LOGSIDECAR_CONFIG";

    /// <summary><paramref name="baseName"/>, or <c>baseName-2</c>, <c>-3</c>... whichever is not taken.</summary>
    public static string Unique(string baseName, IReadOnlySet<string> taken)
    {
        if (!taken.Contains(baseName))
        {
            return baseName;
        }

        for (var i = 2; ; i++)
        {
            var candidate = $"{baseName}-{i}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}
