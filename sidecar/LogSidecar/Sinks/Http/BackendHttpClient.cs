using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Sinks.Http;

/// <summary>
/// One keep-alive HttpClient per sink. Connections are recycled every few minutes so a backend
/// behind a Service spreads load after it scales; a CA file, when given, is the only trust root.
/// Time limits are the sink's own (per request), so the client has none.
/// </summary>
internal static class BackendHttpClient
{
    /// <summary>The certificates of the CA file, or null (with the reason) when it cannot be used; an empty collection when there is no file.</summary>
    public static X509Certificate2Collection? LoadTrust(string? caFile, out string? error)
    {
        error = null;
        var roots = new X509Certificate2Collection();
        if (caFile is null)
        {
            return roots;
        }

        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot read the CA file {caFile}: {e.Message}; give a PEM file with the backend's CA certificate";
            return null;
        }

        if (roots.Count == 0)
        {
            error = $"the CA file {caFile} holds no PEM certificate";
            return null;
        }

        return roots;
    }

    /// <param name="roots">From <see cref="LoadTrust"/>: empty means the system's trust store.</param>
    public static HttpClient Create(X509Certificate2Collection roots)
    {
#pragma warning disable CA2000 // The HttpClient owns the handler (disposeHandler: true).
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            UseCookies = false,
        };

        if (roots.Count > 0)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, roots),
            };
        }

        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
    }

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
