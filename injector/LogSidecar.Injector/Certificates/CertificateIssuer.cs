using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// Issues the webhook's CA and serving certificates (ECDSA P-256, SHA-256). The CA lives
/// <see cref="CaLifetimeFactor"/> times as long as a serving certificate, so most renewals keep the CA
/// and the API server's <c>caBundle</c> does not change.
/// </summary>
internal sealed class CertificateIssuer
{
    public const int CaLifetimeFactor = 4;

    // Nodes and the API server may run a little behind us; certificates valid "from now" would be refused there.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly SelfSignedOptions _options;

    public CertificateIssuer(TimeProvider time, SelfSignedOptions options)
    {
        _time = time;
        _options = options;
    }

    /// <summary>New material for <paramref name="action"/>; <paramref name="previous"/> gives the CA to reuse or the old CAs to keep.</summary>
    public TlsMaterial Issue(TlsMaterial? previous, RenewalAction action, ServingIdentity identity)
    {
        var now = _time.GetUtcNow();
        var oldCas = previous is null ? [] : PemCertificates.ReadAll(previous.CaBundlePem);
        if (action == RenewalAction.RenewServing && previous?.CaPrivateKeyPem is { } caKeyPem)
        {
            using var ca = X509Certificate2.CreateFromPem(previous.CaBundlePem, caKeyPem);
            return IssueServing(ca, caKeyPem, Bundle(ca, oldCas, now), identity, now);
        }

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newCa = CreateCa(caKey, identity, now);
        return IssueServing(newCa, caKey.ExportPkcs8PrivateKeyPem(), Bundle(newCa, oldCas, now), identity, now);
    }

    private X509Certificate2 CreateCa(ECDsa key, ServingIdentity identity, DateTimeOffset now)
    {
        // A distinct name per CA (like kube-apiserver's "name@unix-time") keeps old and new CA apart in clients during a rotation.
        var request = new CertificateRequest($"CN={identity.ServiceName}-ca@{now.ToUnixTimeSeconds()}, O=logsidecar", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - ClockSkew, now + TimeSpan.FromDays(_options.ValidityDays * CaLifetimeFactor));
    }

    private TlsMaterial IssueServing(X509Certificate2 ca, string caKeyPem, string bundlePem, ServingIdentity identity, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={identity.CommonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in identity.DnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // A certificate must not outlive its issuer: clients would refuse it after the CA expires anyway.
        var notBefore = Max(now - ClockSkew, ca.NotBefore.ToUniversalTime());
        var notAfter = Min(now + TimeSpan.FromDays(_options.ValidityDays), ca.NotAfter.ToUniversalTime());
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(caKeyPem);
        using var serving = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), notBefore, notAfter, SerialNumber());
        var chain = new StringBuilder().AppendLine(serving.ExportCertificatePem()).AppendLine(ca.ExportCertificatePem()).ToString();
        return new TlsMaterial(chain, key.ExportPkcs8PrivateKeyPem() + "\n", bundlePem, caKeyPem.EndsWith('\n') ? caKeyPem : caKeyPem + "\n");
    }

    /// <summary>The current CA first, then older CAs that are still valid (servers not yet renewed present certificates from them).</summary>
    private static string Bundle(X509Certificate2 current, X509Certificate2Collection previous, DateTimeOffset now)
    {
        var bundle = new StringBuilder().AppendLine(current.ExportCertificatePem());
        foreach (var old in previous)
        {
            if (old.Thumbprint != current.Thumbprint && old.NotAfter.ToUniversalTime() > now.UtcDateTime)
            {
                bundle.AppendLine(old.ExportCertificatePem());
            }
        }

        return bundle.ToString();
    }

    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive, as RFC 5280 requires
        return serial;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
