using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Injector.Certificates;

/// <summary>Reads PEM bundles; malformed text gives an empty collection rather than an exception.</summary>
internal static class PemCertificates
{
    public static X509Certificate2Collection ReadAll(string pem)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            certificates.Clear();
        }

        return certificates;
    }
}
