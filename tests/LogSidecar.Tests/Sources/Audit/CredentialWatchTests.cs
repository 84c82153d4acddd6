using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Sources.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Tests.Sources.Audit;

/// <summary>Credential files replaced on disk while the sidecar runs, as cert-manager and the kubelet do.</summary>
public class CredentialWatchTests
{
    [Fact]
    public async Task ReplacedServerCertificateIsServedToNewConnectionsAndABrokenReplacementKeepsThePreviousOne()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();
        await using var sidecar = await StartReloadingAsync(endpoint, metrics);
        var first = await ServedCertificateAsync(endpoint);
        Assert.Equal(endpoint.Certificates.Server.Thumbprint, first);

        // A half-written key: refused, counted, and the endpoint keeps serving the old certificate.
        await File.WriteAllTextAsync(endpoint.KeyFile, "-----BEGIN PRIVATE KEY-----\nnot a key\n", TestContext.Current.CancellationToken);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_credential_reload_failures_total") == 1, "the broken key refused", sidecar.Process);
        Assert.Equal(first, await ServedCertificateAsync(endpoint));

        using var renewed = TestCertificates.Create("audit-renewed");
        TestCertificates.WritePem(renewed.Server, endpoint.CertFile, endpoint.KeyFile);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_credential_reloads_total") == 1, "the renewed certificate taken", sidecar.Process);

        Assert.Equal(renewed.Server.Thumbprint, await ServedCertificateAsync(endpoint, renewed.Authority));
    }

    [Fact]
    public async Task ReplacedTokenFileAcceptsTheNewTokenAndRefusesTheOldOne()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();
        await using var sidecar = await StartReloadingAsync(endpoint, metrics, clientCa: false);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(endpoint.Client(token: AuditEndpoint.Token), AuditEndpoint.EventList(["old"]))).Code);

        await File.WriteAllTextAsync(endpoint.TokenFile, "rotated-token\n", TestContext.Current.CancellationToken);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_credential_reloads_total") == 1, "the new token taken", sidecar.Process);

        Assert.Equal(HttpStatusCode.Forbidden, (await endpoint.PostAsync(endpoint.Client(token: AuditEndpoint.Token), AuditEndpoint.EventList(["refused"]))).Code);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(endpoint.Client(token: "rotated-token"), AuditEndpoint.EventList(["new"]))).Code);
        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= 2, "2 records");
        Assert.Equal(["old", "new"], AuditEndpoint.AuditIds(sidecar.Process.Lines));
    }

    /// <summary>
    /// An unusable change is reported when it reads the same at two checks in a row: a key caught empty half-way through
    /// its write and then complete but not a key is one problem, reported once, and reading it again is no news; put
    /// back as it was and broken the same way again, it is news again; a renewed pair is taken into use.
    /// </summary>
    [Fact]
    public void AnUnusableChangeIsReportedOnceItReadsTheSameTwiceSoAFileCaughtHalfWrittenIsNot()
    {
        using var endpoint = new AuditEndpoint();
        var config = new AuditSourceConfig { TlsCert = endpoint.CertFile, TlsKey = endpoint.KeyFile, TokenFile = endpoint.TokenFile };
        var metrics = new AuditMetrics();
        var watch = CredentialWatch.TryLoad(config, metrics, TimeProvider.System, NullLogger.Instance, out var error);
        Assert.True(watch is not null, error);
        var original = File.ReadAllText(endpoint.KeyFile);
        const string Broken = "-----BEGIN PRIVATE KEY-----\nnot a key\n";

        File.WriteAllText(endpoint.KeyFile, "");
        watch.Check();
        File.WriteAllText(endpoint.KeyFile, Broken);
        watch.Check();
        Assert.Equal((0, 0), Counts(metrics));
        watch.Check();
        Assert.Equal((0, 1), Counts(metrics));
        watch.Check();
        watch.Check();
        Assert.Equal((0, 1), Counts(metrics));

        File.WriteAllText(endpoint.KeyFile, original);
        watch.Check();
        File.WriteAllText(endpoint.KeyFile, Broken);
        watch.Check();
        watch.Check();
        Assert.Equal((0, 2), Counts(metrics));

        using var renewed = TestCertificates.Create("audit-renewed");
        TestCertificates.WritePem(renewed.Server, endpoint.CertFile, endpoint.KeyFile);
        watch.Check();
        Assert.Equal((1, 2), Counts(metrics));
        Assert.Equal(renewed.Server.Thumbprint, watch.Current.Server.TargetCertificate.Thumbprint);
    }

    /// <summary>The reloads and refused changes as the metrics page shows them.</summary>
    private static (long Reloads, long Failures) Counts(AuditMetrics metrics)
    {
        var text = new StringBuilder();
        metrics.Render(text, spoolBytes: 0, spoolFiles: 0);
        var rendered = text.ToString();
        return ((long)MetricsEndpoint.Value(rendered, "logsidecar_audit_credential_reloads_total")!, (long)MetricsEndpoint.Value(rendered, "logsidecar_audit_credential_reload_failures_total")!);
    }

    /// <summary>The sidecar serving the endpoint with credential files read every 100 ms.</summary>
    private static async Task<SidecarProcess> StartReloadingAsync(AuditEndpoint endpoint, MetricsEndpoint metrics, bool clientCa = true)
    {
        var config = endpoint.Directory.File("config.json");
        await File.WriteAllTextAsync(config, """{ "sources": { "audit": { "reloadIntervalMs": 100 } } }""", TestContext.Current.CancellationToken);
        var sidecar = SidecarProcess.Start(["--config", config, .. endpoint.Flags(clientCa: clientCa), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);
        return sidecar;
    }

    /// <summary>The thumbprint of the certificate a new connection is served (trusted through <paramref name="authority"/>, else the endpoint's CA).</summary>
    private static async Task<string> ServedCertificateAsync(AuditEndpoint endpoint, X509Certificate2? authority = null)
    {
        string? thumbprint = null;
        var client = endpoint.Client(token: AuditEndpoint.Token, seen: served => thumbprint = served.Thumbprint, authority: authority);
        var (code, _, _) = await endpoint.PostAsync(client, AuditEndpoint.EventList([]));
        Assert.Equal(HttpStatusCode.OK, code);
        return thumbprint!;
    }
}
