using System.Security.Cryptography.X509Certificates;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Namespaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// The injector's HTTPS webhook on a real Kestrel socket (127.0.0.1, free port) with a self-signed certificate,
/// configured as <see cref="TestOptions"/>; <see cref="StartAsync"/> starts one with other options (and a namespace cache)
/// for a test of its own.
/// </summary>
public sealed class WebhookFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly Action<InjectorOptions> _configure;
    private readonly NamespaceInformer? _namespaces;
    private WebApplication? _app;
    private CertificateStore? _certificates;

    public WebhookFixture()
        : this(_ => { })
    {
    }

    private WebhookFixture(Action<InjectorOptions> configure, NamespaceInformer? namespaces = null)
    {
        _configure = configure;
        _namespaces = namespaces;
    }

    public X509Certificate2 Certificate { get; } = TestCertificates.SelfSigned("logsidecar-injector-test");

    public Uri BaseAddress { get; private set; } = new("https://127.0.0.1/");

    /// <summary>A client that trusts exactly the fixture's certificate.</summary>
    public HttpClient Client { get; private set; } = new();

    internal PodInjector Injector { get; private set; } = null!;

    /// <summary>A webhook of its own with <paramref name="configure"/> applied to the test options; dispose it.</summary>
    internal static async Task<WebhookFixture> StartAsync(Action<InjectorOptions> configure, NamespaceInformer? namespaces = null)
    {
        var webhook = new WebhookFixture(configure, namespaces);
        await webhook.InitializeAsync();
        return webhook;
    }

    public async ValueTask InitializeAsync()
    {
        var certFile = _directory.File("tls.crt");
        var keyFile = _directory.File("tls.key");
        TestCertificates.WritePem(Certificate, certFile, keyFile);
        var options = TestOptions.Create(certFile, keyFile);
        _configure(options);
        _certificates = new CertificateStore(certFile, keyFile, NullLogger.Instance);
        if (!_certificates.TryLoadNow(out var error))
        {
            throw new InvalidOperationException(error);
        }

        Injector = new PodInjector(options, nativeByDefault: true);
        _app = WebhookServer.Build(options, Injector, _certificates, logging => logging.ClearProviders(), _namespaces);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Urls.Single());
        Client = CreateClient(BaseAddress, Certificate.Thumbprint);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        _certificates?.Dispose();
        Certificate.Dispose();
        _directory.Dispose();
    }

    /// <summary>The webhook's Prometheus text.</summary>
    public Task<string> MetricsAsync() => Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>An HttpClient that accepts only a server certificate with one of <paramref name="thumbprints"/>.</summary>
    public static HttpClient CreateClient(Uri baseAddress, params string[] thumbprints)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && thumbprints.Contains(certificate.GetCertHashString(), StringComparer.OrdinalIgnoreCase);
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }
}
