using System.Collections.Concurrent;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Hosting;

public sealed class CertificateReloadTests
{
    [Fact]
    public async Task ReplacedCertificateFilesAreServedOnTheNextConnectionWithoutRestart()
    {
        var token = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        var certFile = directory.File("tls.crt");
        var keyFile = directory.File("tls.key");
        using var first = TestCertificates.SelfSigned("first");
        using var second = TestCertificates.SelfSigned("second");
        TestCertificates.WritePem(first, certFile, keyFile);

        var options = TestOptions.Create(certFile, keyFile);
        using var certificates = new CertificateStore(certFile, keyFile, NullLogger.Instance);
        Assert.True(certificates.TryLoadNow(out var error), error);
        await using var app = WebhookServer.Build(options, new PodInjector(options, nativeByDefault: true), certificates, logging => logging.ClearProviders());
        await app.StartAsync(token);
        var address = new Uri(app.Urls.Single());

        Assert.Equal(first.Thumbprint, await PresentedThumbprintAsync(address, [first.Thumbprint, second.Thumbprint], token));

        TestCertificates.WritePem(second, certFile, keyFile);
        Assert.Equal(second.Thumbprint, await PresentedThumbprintAsync(address, [first.Thumbprint, second.Thumbprint], token));

        // A half-written pair (new key not yet there) keeps the last good certificate in service.
        await File.WriteAllTextAsync(keyFile, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n", token);
        Assert.Equal(second.Thumbprint, await PresentedThumbprintAsync(address, [first.Thumbprint, second.Thumbprint], token));

        await app.StopAsync(token);
    }

    [Fact]
    public async Task AKubeletStyleSymlinkSwapOfTheSecretVolumeIsPickedUp()
    {
        // A Secret volume: tls.crt -> ..data/tls.crt, ..data -> ..2026_v1; an update swaps ..data atomically.
        var token = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();
        using var first = TestCertificates.SelfSigned("first");
        using var second = TestCertificates.SelfSigned("second");
        WriteVersion(directory, "..2026_v1", first);
        Directory.CreateSymbolicLink(directory.File("..data"), "..2026_v1");
        File.CreateSymbolicLink(directory.File("tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(directory.File("tls.key"), "..data/tls.key");

        var options = TestOptions.Create(directory.File("tls.crt"), directory.File("tls.key"));
        using var certificates = new CertificateStore(options.TlsCertFile, options.TlsKeyFile, NullLogger.Instance);
        Assert.True(certificates.TryLoadNow(out var error), error);
        await using var app = WebhookServer.Build(options, new PodInjector(options, nativeByDefault: true), certificates, logging => logging.ClearProviders());
        await app.StartAsync(token);
        var address = new Uri(app.Urls.Single());
        string[] trusted = [first.Thumbprint, second.Thumbprint];
        Assert.Equal(first.Thumbprint, await PresentedThumbprintAsync(address, trusted, token));

        WriteVersion(directory, "..2026_v2", second);
        Directory.CreateSymbolicLink(directory.File("..data_tmp"), "..2026_v2");
        await RenameOverAsync(directory.File("..data_tmp"), directory.File("..data"), token);

        Assert.Equal(second.Thumbprint, await PresentedThumbprintAsync(address, trusted, token));
        await app.StopAsync(token);
    }

    /// <summary>rename(2) of a symlink over another, as the kubelet does (.NET's File.Move follows a directory symlink).</summary>
    private static async Task RenameOverAsync(string source, string destination, CancellationToken token)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", "-f", source, destination]);
        await mv.WaitForExitAsync(token);
        Assert.Equal(0, mv.ExitCode);
    }

    private static void WriteVersion(TempDirectory directory, string name, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        Directory.CreateDirectory(directory.File(name));
        TestCertificates.WritePem(certificate, Path.Combine(directory.File(name), "tls.crt"), Path.Combine(directory.File(name), "tls.key"));
    }

    /// <summary>Opens a new TLS connection, fetches /readyz and returns the thumbprint the server presented.</summary>
    private static async Task<string> PresentedThumbprintAsync(Uri address, string[] trusted, CancellationToken token)
    {
        var seen = new ConcurrentQueue<string>();
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            var thumbprint = certificate?.GetCertHashString() ?? "";
            seen.Enqueue(thumbprint);
            return trusted.Contains(thumbprint, StringComparer.OrdinalIgnoreCase);
        };
        using var client = new HttpClient(handler) { BaseAddress = address };
        Assert.Equal("ok\n", await client.GetStringAsync(new Uri("/readyz", UriKind.Relative), token));
        return Assert.Single(seen);
    }
}
