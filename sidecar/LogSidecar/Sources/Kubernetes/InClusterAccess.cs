using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>The pod's service account, as every in-cluster client reads it: the API's address from the environment, the token and CA mounted by the kubelet.</summary>
internal static class InClusterAccess
{
    private const string AccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static bool IsAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && File.Exists(Path.Combine(AccountDirectory, "token"));

    public static ClusterAccessResult Read()
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")!;
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT") is { Length: > 0 } p ? p : "443";
        if (!Uri.TryCreate($"https://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}", UriKind.Absolute, out var server))
        {
            return ClusterAccessResult.Fail($"KUBERNETES_SERVICE_HOST '{host}' and KUBERNETES_SERVICE_PORT '{port}' do not make an address");
        }

        var caPath = Path.Combine(AccountDirectory, "ca.crt");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return ClusterAccessResult.Fail($"cannot read the service account's CA {caPath}: {e.Message}");
        }

        return ClusterAccessResult.Ok(new ClusterAccess(server, authorities, SkipTlsVerify: false)
        {
            TokenFile = Path.Combine(AccountDirectory, "token"),
            Origin = "in-cluster service account",
        });
    }
}
