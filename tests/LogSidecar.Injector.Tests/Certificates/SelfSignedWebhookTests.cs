using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Certificates;

public sealed class SelfSignedWebhookTests
{
    [Fact]
    public async Task AClientTrustingOnlyThePatchedCaBundleAcceptsTheWebhookUnderTheServiceName()
    {
        var token = TestContext.Current.CancellationToken;
        await using var setup = await SelfSignedSetup.StartAsync();
        var options = setup.Replica();
        options.ListenAddress = "127.0.0.1";
        options.Port = 0;
        var result = await setup.Certificates(options, TimeProvider.System).SyncAsync(token);
        Assert.True(result.Succeeded, result.Error ?? result.CaBundleError);
        using var certificates = new CertificateStore(options.TlsCertFile, options.TlsKeyFile, NullLogger.Instance);
        Assert.True(certificates.TryLoadNow(out var error), error);
        await using var app = WebhookServer.Build(options, new PodInjector(options, nativeByDefault: true), certificates, logging => logging.ClearProviders());
        await app.StartAsync(token);

        // What the API server does: dial the Service name, trust exactly the webhook's caBundle.
        var trusted = CertificateIssuerTests.Bundle(setup.CaBundles()[0]!);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, new Uri(app.Urls.Single()).Port, token);
        using var ssl = new SslStream(client.GetStream());
        var errors = SslPolicyErrors.RemoteCertificateNotAvailable;
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(trusted);
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "logsidecar-injector.logsidecar-system.svc",
                CertificateChainPolicy = policy,
                RemoteCertificateValidationCallback = (_, _, _, e) =>
                {
                    errors = e;
                    return e == SslPolicyErrors.None;
                },
            },
            token);

        Assert.Equal(SslPolicyErrors.None, errors);
        await app.StopAsync(token);
    }
}
