using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Certificates;

public sealed class CertificateIssuerTests
{
    private static readonly ServingIdentity Identity = new("logsidecar-injector", "logsidecar-system");
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ANewCaIssuesAServingCertificateForEveryNameOfTheServiceThatChainsToIt()
    {
        var time = new FakeTimeProvider(Start);
        var material = new CertificateIssuer(time, new SelfSignedOptions()).Issue(null, RenewalAction.NewCa, Identity);

        using var serving = X509Certificate2.CreateFromPem(material.CertificateChainPem, material.PrivateKeyPem);
        var names = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToArray();
        Assert.Equal(
            ["logsidecar-injector.logsidecar-system.svc", "logsidecar-injector.logsidecar-system.svc.cluster.local", "logsidecar-injector.logsidecar-system", "logsidecar-injector"],
            names);
        Assert.Equal("CN=logsidecar-injector.logsidecar-system.svc", serving.Subject);
        Assert.Contains(serving.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
        Assert.False(serving.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);

        // Valid from a little before now (clock skew) for validityDays.
        Assert.True(serving.NotBefore.ToUniversalTime() <= Start.UtcDateTime);
        Assert.Equal(Start.UtcDateTime.AddDays(365), serving.NotAfter.ToUniversalTime());

        var cas = Bundle(material.CaBundlePem);
        var ca = Assert.Single(cas);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(Start.UtcDateTime.AddDays(365 * CertificateIssuer.CaLifetimeFactor), ca.NotAfter.ToUniversalTime());
        Assert.True(Verifies(serving, cas, Start));

        // tls.crt is the serving certificate followed by the CA, so a server can send the whole chain.
        var chain = Bundle(material.CertificateChainPem);
        Assert.Equal([serving.Thumbprint, ca.Thumbprint], chain.Select(c => c.Thumbprint));

        // The key is the certificate's: what it signs, the certificate's public key verifies.
        using var key = serving.GetECDsaPrivateKey()!;
        using var publicKey = serving.GetECDsaPublicKey()!;
        var signature = key.SignData("hello"u8, HashAlgorithmName.SHA256);
        Assert.True(publicKey.VerifyData("hello"u8, signature, HashAlgorithmName.SHA256));

        // And the CA key in ca.key belongs to the CA.
        using var caWithKey = X509Certificate2.CreateFromPem(material.CaBundlePem, material.CaPrivateKeyPem);
        Assert.True(caWithKey.HasPrivateKey);
    }

    [Fact]
    public void RenewingTheServingCertificateKeepsTheCaAndMakesANewKey()
    {
        var time = new FakeTimeProvider(Start);
        var issuer = new CertificateIssuer(time, new SelfSignedOptions());
        var first = issuer.Issue(null, RenewalAction.NewCa, Identity);
        time.Advance(TimeSpan.FromDays(340));

        var second = issuer.Issue(first, RenewalAction.RenewServing, Identity);

        Assert.Equal(first.CaBundlePem, second.CaBundlePem);
        Assert.Equal(first.CaPrivateKeyPem, second.CaPrivateKeyPem);
        Assert.NotEqual(first.PrivateKeyPem, second.PrivateKeyPem);
        using var serving = X509Certificate2.CreateFromPem(second.CertificateChainPem, second.PrivateKeyPem);
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddDays(365), serving.NotAfter.ToUniversalTime());
        Assert.True(Verifies(serving, Bundle(first.CaBundlePem), time.GetUtcNow()));
    }

    [Fact]
    public void AServingCertificateNeverOutlivesItsCa()
    {
        var time = new FakeTimeProvider(Start);
        var issuer = new CertificateIssuer(time, new SelfSignedOptions());
        var first = issuer.Issue(null, RenewalAction.NewCa, Identity);
        time.Advance(TimeSpan.FromDays((365 * CertificateIssuer.CaLifetimeFactor) - 100));

        var late = issuer.Issue(first, RenewalAction.RenewServing, Identity);

        using var serving = X509Certificate2.CreateFromPem(late.CertificateChainPem);
        Assert.Equal(Bundle(first.CaBundlePem)[0].NotAfter, serving.NotAfter);
    }

    [Fact]
    public void ANewCaKeepsTheOldCaInTheBundleUntilTheOldOneExpires()
    {
        var time = new FakeTimeProvider(Start);
        var issuer = new CertificateIssuer(time, new SelfSignedOptions());
        var first = issuer.Issue(null, RenewalAction.NewCa, Identity);
        var oldCa = Bundle(first.CaBundlePem)[0];
        time.Advance(TimeSpan.FromDays((365 * CertificateIssuer.CaLifetimeFactor) - 20));

        var rotated = issuer.Issue(first, RenewalAction.NewCa, Identity);

        var bundle = Bundle(rotated.CaBundlePem);
        Assert.Equal(2, bundle.Count);
        Assert.NotEqual(oldCa.Thumbprint, bundle[0].Thumbprint);
        Assert.NotEqual(oldCa.Subject, bundle[0].Subject);
        Assert.Equal(oldCa.Thumbprint, bundle[1].Thumbprint);
        using var serving = X509Certificate2.CreateFromPem(rotated.CertificateChainPem);
        Assert.True(Verifies(serving, [bundle[0]], time.GetUtcNow()));
        Assert.False(Verifies(serving, [oldCa], time.GetUtcNow()));

        // Once the old CA has expired, the next rotation drops it.
        time.Advance(TimeSpan.FromDays(365 * CertificateIssuer.CaLifetimeFactor));
        var later = issuer.Issue(rotated, RenewalAction.NewCa, Identity);
        Assert.Single(Bundle(later.CaBundlePem));
    }

    internal static X509Certificate2Collection Bundle(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return collection;
    }

    internal static bool Verifies(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        return chain.Build(certificate);
    }
}
