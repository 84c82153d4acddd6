using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Certificates;

public sealed class SelfSignedCertificatesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFirstStartCreatesTheSecretWritesTheFilesAndPatchesEveryWebhook()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var options = setup.Replica();

        var result = await setup.Certificates(options, TimeProvider.System).SyncAsync(Token);

        Assert.True(result.Succeeded, result.Error ?? result.CaBundleError);
        Assert.Equal(RenewalAction.NewCa, result.Action);
        Assert.Equal(2, result.WebhooksPatched);
        var stored = setup.StoredMaterial()!;
        Assert.NotNull(stored.CaPrivateKeyPem);
        Assert.Equal("kubernetes.io/tls", (string?)setup.Api.Find("secrets", SelfSignedSetup.Namespace, SelfSignedSetup.SecretName)!["type"]);
        Assert.Equal(stored.CertificateChainPem, await File.ReadAllTextAsync(options.TlsCertFile, Token));
        Assert.Equal(stored.PrivateKeyPem, await File.ReadAllTextAsync(options.TlsKeyFile, Token));
        Assert.All(setup.CaBundles(), bundle => Assert.Equal(stored.CaBundlePem, bundle));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.TlsKeyFile));
        }

        using var served = X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
        Assert.True(CertificateIssuerTests.Verifies(served, CertificateIssuerTests.Bundle(setup.CaBundles()[0]!), DateTimeOffset.UtcNow));
        Assert.Equal(
            ["GET secrets/logsidecar-injector-tls 404", "POST secrets/logsidecar-injector-tls 201", "GET mutatingwebhookconfigurations/logsidecar-injector 200", "PATCH mutatingwebhookconfigurations/logsidecar-injector 200"],
            setup.Api.Requests);
    }

    [Fact]
    public async Task ACheckWithNothingDueWritesNothing()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var options = setup.Replica();
        var certificates = setup.Certificates(options, TimeProvider.System);
        await certificates.SyncAsync(Token);
        var requests = setup.Api.Requests.Count;

        var again = await certificates.SyncAsync(Token);

        Assert.True(again.Succeeded);
        Assert.Equal(RenewalAction.Keep, again.Action);
        Assert.False(again.FilesChanged);
        Assert.Equal(0, again.WebhooksPatched);
        Assert.Equal(["GET secrets/logsidecar-injector-tls 200", "GET mutatingwebhookconfigurations/logsidecar-injector 200"], setup.Api.Requests.Skip(requests));
    }

    [Fact]
    public async Task TwoReplicasStartingTogetherConvergeOnOneSecret()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var first = setup.Replica();
        var second = setup.Replica();
        // Both read "not found" before either creates: a true race.
        setup.Api.HoldSecretReads(2);

        var results = await Task.WhenAll(
            setup.Certificates(first, TimeProvider.System).SyncAsync(Token),
            setup.Certificates(second, TimeProvider.System).SyncAsync(Token));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error ?? r.CaBundleError));
        Assert.Equal(1, setup.Api.Count("POST secrets/logsidecar-injector-tls 201"));
        Assert.Equal(1, setup.Api.Count("POST secrets/logsidecar-injector-tls 409"));
        Assert.Equal(1, results.Sum(r => r.Conflicts));
        var stored = setup.StoredMaterial()!;
        Assert.Equal(stored.CertificateChainPem, await File.ReadAllTextAsync(first.TlsCertFile, Token));
        Assert.Equal(stored.CertificateChainPem, await File.ReadAllTextAsync(second.TlsCertFile, Token));
        Assert.Equal(stored.PrivateKeyPem, await File.ReadAllTextAsync(second.TlsKeyFile, Token));
        Assert.All(setup.CaBundles(), bundle => Assert.Equal(stored.CaBundlePem, bundle));
    }

    [Fact]
    public async Task TwoReplicasRenewingTogetherConvergeThroughAResourceVersionConflict()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = setup.Replica();
        var second = setup.Replica();
        await setup.Certificates(first, time).SyncAsync(Token);
        var original = setup.StoredMaterial()!;
        time.Advance(TimeSpan.FromDays(340));
        setup.Api.HoldSecretReads(2);

        var results = await Task.WhenAll(
            setup.Certificates(first, time).SyncAsync(Token),
            setup.Certificates(second, time).SyncAsync(Token));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error ?? r.CaBundleError));
        Assert.Equal(1, setup.Api.Count("PUT secrets/logsidecar-injector-tls 200"));
        Assert.Equal(1, setup.Api.Count("PUT secrets/logsidecar-injector-tls 409"));
        Assert.Contains(RenewalAction.RenewServing, results.Select(r => r.Action));
        Assert.Contains(RenewalAction.Keep, results.Select(r => r.Action));
        var renewed = setup.StoredMaterial()!;
        Assert.NotEqual(original.CertificateChainPem, renewed.CertificateChainPem);
        Assert.Equal(original.CaBundlePem, renewed.CaBundlePem);
        Assert.Equal(renewed.CertificateChainPem, await File.ReadAllTextAsync(first.TlsCertFile, Token));
        Assert.Equal(renewed.CertificateChainPem, await File.ReadAllTextAsync(second.TlsCertFile, Token));
    }

    [Fact]
    public async Task ARotatedCaIsPatchedInWhileTheOldCaStaysTrusted()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = setup.Replica();
        var certificates = setup.Certificates(options, time);
        await certificates.SyncAsync(Token);
        var oldCa = CertificateIssuerTests.Bundle(setup.StoredMaterial()!.CaBundlePem)[0];
        time.Advance(TimeSpan.FromDays((365 * CertificateIssuer.CaLifetimeFactor) - 10));

        var result = await certificates.SyncAsync(Token);

        Assert.Equal(RenewalAction.NewCa, result.Action);
        Assert.Equal(2, result.WebhooksPatched);
        var bundle = CertificateIssuerTests.Bundle(setup.CaBundles()[1]!);
        Assert.Equal(2, bundle.Count);
        Assert.Equal(oldCa.Thumbprint, bundle[1].Thumbprint);
        using var served = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(options.TlsCertFile, Token));
        Assert.True(CertificateIssuerTests.Verifies(served, [bundle[0]], time.GetUtcNow()));
    }

    [Fact]
    public async Task AMissingPermissionIsReportedWithTheVerbAndTheResource()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        setup.Api.Forbid("create", "secrets");

        var result = await setup.Certificates(setup.Replica(), TimeProvider.System).SyncAsync(Token);

        Assert.NotNull(result.Error);
        Assert.Contains("may not create secrets", result.Error, StringComparison.Ordinal);
        Assert.Contains("grant the 'create' verb on 'secrets'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedCaBundlePatchKeepsTheCertificateAndSaysWhatToGrant()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        setup.Api.Forbid("patch", "mutatingwebhookconfigurations");
        var options = setup.Replica();

        var result = await setup.Certificates(options, TimeProvider.System).SyncAsync(Token);

        Assert.Null(result.Error);
        Assert.False(result.Succeeded);
        Assert.Contains("grant the 'patch' verb on 'mutatingwebhookconfigurations'", result.CaBundleError, StringComparison.Ordinal);
        Assert.True(File.Exists(options.TlsCertFile));
    }

    [Fact]
    public async Task AMissingWebhookConfigurationIsNamed()
    {
        await using var setup = await SelfSignedSetup.StartAsync();
        var options = setup.Replica();
        options.SelfSigned.WebhookConfigurationName = "other";

        var result = await setup.Certificates(options, TimeProvider.System).SyncAsync(Token);

        Assert.Contains("mutatingwebhookconfigurations other does not exist", result.CaBundleError, StringComparison.Ordinal);
    }
}
