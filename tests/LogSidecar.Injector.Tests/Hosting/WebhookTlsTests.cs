using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Hosting;

public sealed class WebhookTlsTests(WebhookFixture webhook)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IPEndPoint Endpoint => new(IPAddress.Parse(webhook.BaseAddress.Host), webhook.BaseAddress.Port);

#pragma warning disable CA5397, CA5398, SYSLIB0039 // Old protocols are offered on purpose: the server must refuse them.
    public static TheoryData<SslProtocols, ushort> OldProtocols() => new() { { SslProtocols.Tls, 0x0301 }, { SslProtocols.Tls11, 0x0302 } };

    [Theory]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    public async Task AClientHelloOfferingAtMostTls10Or11GetsNoServerHello(ushort version)
    {
        var (answer, alert) = await RawTlsHello.OfferAsync(Endpoint, version, Token);

        Assert.NotEqual(TlsHelloAnswer.ServerHello, answer);
        if (answer == TlsHelloAnswer.Alert)
        {
            Assert.Equal(70, alert); // protocol_version
        }
    }

    [Fact]
    public async Task TheSameHandMadeClientHelloOfferingTls12GetsAServerHello()
    {
        // The control for the test above: the hand-made hello is one the server answers when its version is acceptable.
        var (answer, _) = await RawTlsHello.OfferAsync(Endpoint, 0x0303, Token);

        Assert.Equal(TlsHelloAnswer.ServerHello, answer);
    }

    [Theory]
    [MemberData(nameof(OldProtocols))]
    public async Task ATls10Or11ClientIsRefused(SslProtocols protocol, ushort version)
    {
        if (!await RawTlsHello.LocalClientCanOfferAsync(protocol, version, Token))
        {
            // The raw-hello tests above still cover the server side of this.
            Assert.Skip($"this machine's TLS client policy (OpenSSL) does not let SslStream offer {protocol}; the hand-made ClientHello tests check the server instead");
        }

        var exception = await Record.ExceptionAsync(() => HandshakeAsync(Endpoint, protocol));

        Assert.True(exception is AuthenticationException or IOException, $"expected the handshake to fail, got {exception?.GetType().Name ?? "success"}");
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls12And13ClientsAreServed(SslProtocols protocol)
    {
        var negotiated = await HandshakeAsync(Endpoint, protocol);

        Assert.Equal(protocol, negotiated);
    }
#pragma warning restore CA5397, CA5398, SYSLIB0039

    [Fact]
    public async Task TheWholeChainInTheCertificateFileIsSentSoAClientTrustingOnlyTheRootAcceptsIt()
    {
        var (root, intermediate, leaf) = TestCertificates.CreateChain();
        using (root)
        using (intermediate)
        using (leaf)
        {
            using var directory = new TempDirectory();
            var options = TestOptions.Create(directory.File("tls.crt"), directory.File("tls.key"));
            using (var key = leaf.GetECDsaPrivateKey()!)
            {
                await File.WriteAllTextAsync(options.TlsCertFile, $"{leaf.ExportCertificatePem()}\n{intermediate.ExportCertificatePem()}\n{root.ExportCertificatePem()}\n", Token);
                await File.WriteAllTextAsync(options.TlsKeyFile, key.ExportPkcs8PrivateKeyPem(), Token);
            }

            using var certificates = new CertificateStore(options.TlsCertFile, options.TlsKeyFile, NullLogger.Instance);
            Assert.True(certificates.TryLoadNow(out var error), error);
            await using var app = WebhookServer.Build(options, new PodInjector(options, nativeByDefault: true), certificates, logging => logging.ClearProviders());
            await app.StartAsync(Token);
            var address = new Uri(app.Urls.Single());

            string[] sent = [];
            var errors = SslPolicyErrors.None;
            await HandshakeAsync(new IPEndPoint(IPAddress.Loopback, address.Port), SslProtocols.None, (chain, policyErrors) =>
            {
                // The client knows only the root: the intermediate can only have come from the server.
                sent = [.. chain.ChainPolicy.ExtraStore.Select(c => c.Thumbprint)];
                errors = policyErrors;
            }, root);

            Assert.Contains(intermediate.Thumbprint, sent);
            Assert.Equal(SslPolicyErrors.None, errors);
            await app.StopAsync(Token);
        }
    }

    /// <summary>A handshake that accepts any server certificate: for tests about protocol versions, not trust.</summary>
    private static Task<SslProtocols> HandshakeAsync(IPEndPoint endpoint, SslProtocols protocol) =>
        HandshakeAsync(endpoint, protocol, (_, _) => { }, trustedRoot: null);

    /// <summary>A handshake that trusts only <paramref name="trustedRoot"/> (any certificate when null) and shows the client's view of the chain to <paramref name="observe"/>.</summary>
    private static async Task<SslProtocols> HandshakeAsync(IPEndPoint endpoint, SslProtocols protocol, Action<X509Chain, SslPolicyErrors> observe, X509Certificate2? trustedRoot)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(endpoint, Token);
        using var ssl = new SslStream(client.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = (_, _, chain, errors) =>
            {
                observe(chain!, errors);
                return trustedRoot is null || errors == SslPolicyErrors.None;
            },
        };
        if (trustedRoot is not null)
        {
            options.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            options.CertificateChainPolicy.CustomTrustStore.Add(trustedRoot);
        }

        await ssl.AuthenticateAsClientAsync(options, Token);
        return ssl.SslProtocol;
    }
}
