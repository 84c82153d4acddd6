using System.Threading.Channels;
using LogSidecar.Injector.Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Certificates;

public sealed class CertificateRenewalLoopTests
{
    [Fact]
    public async Task TheLoopChecksHourlyAndRenewsTheCertificateBeforeItExpires()
    {
        var token = TestContext.Current.CancellationToken;
        await using var setup = await SelfSignedSetup.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = setup.Replica();
        var certificates = setup.Certificates(options, time);
        var first = await certificates.SyncAsync(token);
        var firstCertificate = await File.ReadAllTextAsync(options.TlsCertFile, token);
        var checks = Channel.CreateUnbounded<CertificateSyncResult>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var loop = new CertificateRenewalLoop(certificates, time, NullLogger.Instance, r => checks.Writer.TryWrite(r)).RunAsync(first, stop.Token);

        time.Advance(CertificateRenewalLoop.CheckInterval);
        var hourly = await checks.Reader.ReadAsync(token);
        Assert.Equal(RenewalAction.Keep, hourly.Action);
        Assert.False(hourly.FilesChanged);

        // One jump past the renewal point: the next hourly check renews.
        time.Advance(TimeSpan.FromDays(336));
        var renewal = await checks.Reader.ReadAsync(token);
        Assert.Equal(RenewalAction.RenewServing, renewal.Action);
        Assert.True(renewal.FilesChanged);
        Assert.NotEqual(firstCertificate, await File.ReadAllTextAsync(options.TlsCertFile, token));
        Assert.Equal(setup.StoredMaterial()!.CertificateChainPem, await File.ReadAllTextAsync(options.TlsCertFile, token));

        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task AFailedCheckIsRetriedAfterAMinute()
    {
        var token = TestContext.Current.CancellationToken;
        await using var setup = await SelfSignedSetup.StartAsync();
        setup.Api.Forbid("patch", "mutatingwebhookconfigurations");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var certificates = setup.Certificates(setup.Replica(), time);
        var first = await certificates.SyncAsync(token);
        Assert.NotNull(first.CaBundleError);
        var checks = Channel.CreateUnbounded<CertificateSyncResult>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var loop = new CertificateRenewalLoop(certificates, time, NullLogger.Instance, r => checks.Writer.TryWrite(r)).RunAsync(first, stop.Token);

        time.Advance(CertificateRenewalLoop.RetryInterval);

        Assert.NotNull((await checks.Reader.ReadAsync(token)).CaBundleError);
        await stop.CancelAsync();
        await loop;
    }
}
