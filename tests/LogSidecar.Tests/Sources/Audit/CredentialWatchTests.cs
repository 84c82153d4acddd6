using System.Net;
using System.Security.Cryptography.X509Certificates;

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
