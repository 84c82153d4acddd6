using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// How to reach one Kubernetes API server: its address, the certificate authority that signed its serving
/// certificate (null: the system's roots), and how this client proves who it is (a client certificate, a bearer
/// token, or a token file read again before it expires, as projected service-account tokens are rotated).
/// </summary>
internal sealed record ClusterAccess(Uri Server, X509Certificate2Collection? CertificateAuthorities, bool SkipTlsVerify)
{
    public X509Certificate2? ClientCertificate { get; init; }

    public string? Token { get; init; }

    public string? TokenFile { get; init; }

    /// <summary>Where the access came from (kubeconfig path and context, or in-cluster), for messages.</summary>
    public string Origin { get; init; } = "";

    /// <summary>
    /// The access for this process, as kubectl finds it: the in-cluster service account when running in a pod
    /// (KUBERNETES_SERVICE_HOST and the mounted token), else the kubeconfig named by <paramref name="kubeconfig"/>,
    /// the KUBECONFIG variable (its first file) or ~/.kube/config, at its current context.
    /// </summary>
    public static ClusterAccessResult Find(string? kubeconfig)
    {
        if (kubeconfig is null && InClusterAccess.IsAvailable())
        {
            return InClusterAccess.Read();
        }

        var path = kubeconfig ?? DefaultKubeconfigPath();
        return path is null
            ? ClusterAccessResult.Fail("no Kubernetes credentials: not in a pod (KUBERNETES_SERVICE_HOST is not set) and no kubeconfig (set KUBECONFIG or create ~/.kube/config)")
            : KubeconfigFile.Read(path);
    }

    private static string? DefaultKubeconfigPath()
    {
        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(variable))
        {
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".kube", "config");
    }
}
