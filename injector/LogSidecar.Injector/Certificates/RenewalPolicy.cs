using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Certificates;

/// <summary>Decides whether the Secret's certificate can stay, needs a new serving certificate, or a new CA.</summary>
internal static class RenewalPolicy
{
    public static RenewalDecision Decide(TlsMaterial? material, ServingIdentity identity, DateTimeOffset now, SelfSignedOptions options)
    {
        if (material is null)
        {
            return new(RenewalAction.NewCa, $"the Secret lacks {TlsMaterial.CertificateKey}, {TlsMaterial.PrivateKeyKey} or {TlsMaterial.CaBundleKey}");
        }

        var renewBefore = TimeSpan.FromDays(options.RenewBeforeDays);
        var cas = PemCertificates.ReadAll(material.CaBundlePem);
        if (cas.Count == 0)
        {
            return new(RenewalAction.NewCa, $"{TlsMaterial.CaBundleKey} holds no readable certificate");
        }

        var ca = cas[0];
        if (ca.NotAfter.ToUniversalTime() - now.UtcDateTime <= renewBefore)
        {
            return new(RenewalAction.NewCa, $"the CA expires at {ca.NotAfter.ToUniversalTime():o}, within {options.RenewBeforeDays} days");
        }

        // Without the CA's key no replica can issue from it: a due renewal then needs a new CA.
        var canIssue = material.CaPrivateKeyPem is { } caKey && KeyMatches(material.CaBundlePem, caKey);
        var renew = canIssue ? RenewalAction.RenewServing : RenewalAction.NewCa;
        using var serving = LoadServing(material);
        if (serving is null)
        {
            return new(renew, $"{TlsMaterial.CertificateKey} and {TlsMaterial.PrivateKeyKey} are unreadable or do not form a key pair");
        }

        if (MissingName(serving, identity) is { } missing)
        {
            return new(renew, $"the certificate does not name {missing} (serviceName or namespace changed)");
        }

        if (!IssuedBy(serving, ca, now))
        {
            return new(renew, $"the certificate does not chain to the current CA in {TlsMaterial.CaBundleKey}");
        }

        if (serving.NotAfter.ToUniversalTime() - now.UtcDateTime <= renewBefore)
        {
            return new(renew, $"the certificate expires at {serving.NotAfter.ToUniversalTime():o}, within {options.RenewBeforeDays} days");
        }

        return new(RenewalAction.Keep, canIssue ? "valid and not yet due" : $"valid and not yet due; {TlsMaterial.CaPrivateKeyKey} is missing, so a new CA will be made when it is");
    }

    private static X509Certificate2? LoadServing(TlsMaterial material)
    {
        try
        {
            return X509Certificate2.CreateFromPem(material.CertificateChainPem, material.PrivateKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: the key is a valid key, but not this certificate's.
            return null;
        }
    }

    private static bool KeyMatches(string certificatePem, string keyPem)
    {
        try
        {
            using var withKey = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            return withKey.HasPrivateKey;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static string? MissingName(X509Certificate2 certificate, ServingIdentity identity)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return identity.DnsNames.FirstOrDefault(name => !names.Contains(name));
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificate);
    }
}
