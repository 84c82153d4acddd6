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
        var config = endpoint.Directory.File("config.json");
        await File.WriteAllTextAsync(config, """{ "sources": { "audit": { "reloadIntervalMs": 100 } } }""", TestContext.Current.CancellationToken);
        await using var sidecar = SidecarProcess.Start(["--config", config, .. endpoint.Flags(), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);
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
        var config = endpoint.Directory.File("config.json");
        await File.WriteAllTextAsync(config, """{ "sources": { "audit": { "reloadIntervalMs": 100 } } }""", TestContext.Current.CancellationToken);
        await using var sidecar = SidecarProcess.Start(["--config", config, .. endpoint.Flags(clientCa: false), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(endpoint.Client(token: AuditEndpoint.Token), AuditEndpoint.EventList(["old"]))).Code);

        await File.WriteAllTextAsync(endpoint.TokenFile, "rotated-token\n", TestContext.Current.CancellationToken);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_credential_reloads_total") == 1, "the new token taken", sidecar.Process);

        Assert.Equal(HttpStatusCode.Forbidden, (await endpoint.PostAsync(endpoint.Client(token: AuditEndpoint.Token), AuditEndpoint.EventList(["refused"]))).Code);
        Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(endpoint.Client(token: "rotated-token"), AuditEndpoint.EventList(["new"]))).Code);
        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= 2, "2 records");
        Assert.Equal(["old", "new"], AuditEndpoint.AuditIds(sidecar.Process.Lines));
    }

    /// <summary>The thumbprint of the certificate a new connection is served (trusted through <paramref name="authority"/>, else the endpoint's CA).</summary>
    private static async Task<string> ServedCertificateAsync(AuditEndpoint endpoint, X509Certificate2? authority = null)
    {
        string? thumbprint = null;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new()
            {
                RemoteCertificateValidationCallback = (_, server, _, _) =>
                {
                    using var leaf = X509CertificateLoader.LoadCertificate(server!.GetRawCertData());
                    thumbprint = leaf.Thumbprint;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority ?? endpoint.Certificates.Authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(leaf);
                },
            },
        });
        client.DefaultRequestHeaders.Authorization = new("Bearer", AuditEndpoint.Token);
        using var content = new StringContent(AuditEndpoint.EventList([]));
        using var response = await client.PostAsync(endpoint.Url, content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return thumbprint!;
    }
}
