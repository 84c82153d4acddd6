using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Certificates;

public sealed class RenewalPolicyTests
{
    private static readonly ServingIdentity Identity = new("logsidecar-injector", "logsidecar-system");
    private static readonly SelfSignedOptions Options = new() { ValidityDays = 365, RenewBeforeDays = 30 };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private RenewalAction Decide(TlsMaterial? material, ServingIdentity? identity = null) =>
        RenewalPolicy.Decide(material, identity ?? Identity, _time.GetUtcNow(), Options).Action;

    private TlsMaterial Issue(TlsMaterial? previous, RenewalAction action) => new CertificateIssuer(_time, Options).Issue(previous, action, Identity);

    [Fact]
    public void AFreshCertificateIsKeptUntilRenewBeforeDaysFromItsExpiry()
    {
        var material = Issue(null, RenewalAction.NewCa);
        Assert.Equal(RenewalAction.Keep, Decide(material));

        _time.Advance(TimeSpan.FromDays(334));
        Assert.Equal(RenewalAction.Keep, Decide(material));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(RenewalAction.RenewServing, Decide(material));
    }

    [Fact]
    public void ARenewedCertificateIsKeptAgain()
    {
        var material = Issue(null, RenewalAction.NewCa);
        _time.Advance(TimeSpan.FromDays(340));
        var renewed = Issue(material, RenewalAction.RenewServing);

        Assert.Equal(RenewalAction.Keep, Decide(renewed));
    }

    [Fact]
    public void ACaWithinRenewBeforeDaysOfItsExpiryIsReplaced()
    {
        var material = Issue(null, RenewalAction.NewCa);
        var caLifetime = 365 * CertificateIssuer.CaLifetimeFactor;
        _time.Advance(TimeSpan.FromDays(caLifetime - 31));
        material = Issue(material, RenewalAction.RenewServing);
        Assert.Equal(RenewalAction.Keep, Decide(material));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(RenewalAction.NewCa, Decide(material));

        // The rotated material is kept: the new CA comes first, the old one is only there for the overlap.
        Assert.Equal(RenewalAction.Keep, Decide(Issue(material, RenewalAction.NewCa)));
    }

    [Fact]
    public void AnExpiredCertificateIsRenewed()
    {
        var material = Issue(null, RenewalAction.NewCa);
        _time.Advance(TimeSpan.FromDays(400));

        Assert.Equal(RenewalAction.RenewServing, Decide(material));
    }

    [Fact]
    public void ARenamedServiceOrNamespaceGetsANewServingCertificate()
    {
        var material = Issue(null, RenewalAction.NewCa);

        Assert.Equal(RenewalAction.RenewServing, Decide(material, new ServingIdentity("logsidecar-injector", "logging")));
        Assert.Equal(RenewalAction.RenewServing, Decide(material, new ServingIdentity("injector", "logsidecar-system")));
    }

    [Fact]
    public void WithoutTheCaKeyAValidCertificateIsKeptAndADueOneGetsANewCa()
    {
        var material = Issue(null, RenewalAction.NewCa) with { CaPrivateKeyPem = null };
        Assert.Equal(RenewalAction.Keep, Decide(material));

        _time.Advance(TimeSpan.FromDays(340));
        Assert.Equal(RenewalAction.NewCa, Decide(material));
    }

    [Fact]
    public void UnusableSecretContentsAreReplaced()
    {
        var material = Issue(null, RenewalAction.NewCa);
        var other = Issue(null, RenewalAction.NewCa);

        Assert.Equal(RenewalAction.NewCa, Decide(null));
        Assert.Equal(RenewalAction.NewCa, Decide(material with { CaBundlePem = "not a certificate" }));
        Assert.Equal(RenewalAction.RenewServing, Decide(material with { PrivateKeyPem = other.PrivateKeyPem }));
        Assert.Equal(RenewalAction.RenewServing, Decide(material with { CertificateChainPem = other.CertificateChainPem, PrivateKeyPem = other.PrivateKeyPem }));
    }
}
