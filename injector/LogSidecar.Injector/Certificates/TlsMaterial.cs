using System.Text;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// What the Secret holds, as PEM text: the serving certificate followed by its CA (<c>tls.crt</c>), its key
/// (<c>tls.key</c>), the CA bundle for <c>caBundle</c> (<c>ca.crt</c>: the current CA first, then older CAs
/// kept during a rotation) and the current CA's key (<c>ca.key</c>, so any replica can renew from the same CA).
/// </summary>
internal sealed record TlsMaterial(string CertificateChainPem, string PrivateKeyPem, string CaBundlePem, string? CaPrivateKeyPem)
{
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";
    public const string CaBundleKey = "ca.crt";
    public const string CaPrivateKeyKey = "ca.key";

    /// <summary>Reads a Secret's data; null when one of tls.crt, tls.key, ca.crt is missing or empty.</summary>
    public static TlsMaterial? FromSecretData(IDictionary<string, byte[]>? data)
    {
        if (data is null || Text(data, CertificateKey) is not { } chain || Text(data, PrivateKeyKey) is not { } key || Text(data, CaBundleKey) is not { } bundle)
        {
            return null;
        }

        return new TlsMaterial(chain, key, bundle, Text(data, CaPrivateKeyKey));
    }

    public Dictionary<string, byte[]> ToSecretData()
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CertificateKey] = Encoding.ASCII.GetBytes(CertificateChainPem),
            [PrivateKeyKey] = Encoding.ASCII.GetBytes(PrivateKeyPem),
            [CaBundleKey] = Encoding.ASCII.GetBytes(CaBundlePem),
        };
        if (CaPrivateKeyPem is not null)
        {
            data[CaPrivateKeyKey] = Encoding.ASCII.GetBytes(CaPrivateKeyPem);
        }

        return data;
    }

    private static string? Text(IDictionary<string, byte[]> data, string key) =>
        data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? Encoding.ASCII.GetString(bytes) : null;
}
