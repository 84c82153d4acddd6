using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// The credentials in use at one moment: the server certificate (with its intermediates), the CAs
/// whose client certificates are accepted and the bearer token, as last read from their files.
/// Immutable: a reload makes a new one, and a connection keeps the one it started with.
/// </summary>
internal sealed class AuditCredentials(SslStreamCertificateContext server, X509Certificate2Collection? clientCas, byte[]? tokenHash)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    public SslStreamCertificateContext Server { get; } = server;

    /// <summary>True when clients are asked for a certificate (a client CA is configured).</summary>
    public bool RequestsCertificate => clientCas is not null;

    /// <summary>True when <paramref name="token"/> is the configured one; compared in constant time.</summary>
    public bool TokenAccepted(string token)
    {
        if (tokenHash is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HashToken(token), tokenHash);
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to one of the client CAs and may authenticate a
    /// client (no extended key usage, or client authentication among them); <paramref name="sent"/> holds
    /// the intermediates the client sent.
    /// </summary>
    public bool CertificateAccepted(X509Certificate certificate, X509Chain? sent)
    {
        if (clientCas is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }

        return chain.Build(leaf);
    }

    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
