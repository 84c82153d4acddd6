using System.Net;

namespace LogSidecar.Tests.Sources.Audit;

/// <summary>The real sidecar serving the audit webhook over real HTTPS: who is let in, what is refused and how it is counted.</summary>
public class AuditServerTests
{
    [Fact]
    public async Task ClientCertificateFromTheConfiguredCaIsAcceptedAndEveryEventBecomesARecord()
    {
        using var endpoint = new AuditEndpoint();
        await using var sidecar = SidecarProcess.Start(endpoint.Flags(token: false));
        await AuditEndpoint.WaitListeningAsync(sidecar);
        var client = endpoint.Client(endpoint.ClientCertificate);
        var ids = AuditEndpoint.Ids("cert", 100);

        var (code, text, _) = await endpoint.PostAsync(client, AuditEndpoint.EventList(ids));

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Contains("accepted 100 events", text, StringComparison.Ordinal);
        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= 100, "100 audit records");
        Assert.Equal(ids, AuditEndpoint.AuditIds(sidecar.Process.Lines));
        var record = sidecar.Process.Lines[0];
        Assert.Contains("\"stream\":\"audit\"", record, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"create configmaps shop/settings-cert-00000 by system:serviceaccount:shop:deployer -> 201\"", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCaIsRefusedWith403AndCounted()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();
        using var stranger = TestCertificates.Create("stranger");
        using var strangersClient = AuditEndpoint.Issue(stranger.Authority, "kube-apiserver-audit");
        await using var sidecar = SidecarProcess.Start([.. endpoint.Flags(token: false), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);

        var (code, text, _) = await endpoint.PostAsync(endpoint.Client(strangersClient), AuditEndpoint.EventList(AuditEndpoint.Ids("stranger", 3)));

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Contains("--client-ca", text, StringComparison.Ordinal);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_requests_total{code=\"403\"}") == 1, "one 403 counted", sidecar.Process);
        Assert.Equal(0, endpoint.SpoolBytes());
        Assert.Empty(AuditEndpoint.AuditIds(sidecar.Process.Lines));
    }

    [Fact]
    public async Task RequestWithNeitherCertificateNorTokenIsRefusedWith401AndCounted()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();
        await using var sidecar = SidecarProcess.Start([.. endpoint.Flags(), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);

        var (code, text, response) = await endpoint.PostAsync(endpoint.Client(), AuditEndpoint.EventList(AuditEndpoint.Ids("anonymous", 3)));

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Contains("no client certificate and no bearer token", text, StringComparison.Ordinal);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_requests_total{code=\"401\"}") == 1, "one 401 counted", sidecar.Process);
        Assert.Equal(0, endpoint.SpoolBytes());
    }

    [Fact]
    public async Task BearerTokenFromTheFileIsAcceptedAndAWrongOneIsRefusedWith403()
    {
        using var endpoint = new AuditEndpoint();
        await using var sidecar = SidecarProcess.Start(endpoint.Flags(clientCa: false));
        await AuditEndpoint.WaitListeningAsync(sidecar);

        var wrong = await endpoint.PostAsync(endpoint.Client(token: "not-the-token"), AuditEndpoint.EventList(AuditEndpoint.Ids("wrong", 2)));
        var right = await endpoint.PostAsync(endpoint.Client(token: AuditEndpoint.Token), AuditEndpoint.EventList(AuditEndpoint.Ids("token", 2)));

        Assert.Equal(HttpStatusCode.Forbidden, wrong.Code);
        Assert.Equal(HttpStatusCode.OK, right.Code);
        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= 2, "2 audit records");
        Assert.Equal(["token-00000", "token-00001"], AuditEndpoint.AuditIds(sidecar.Process.Lines));
    }

    [Theory]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[{\"auditID\":\"x\"", "not valid JSON")]
    [InlineData("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[]}", "not an audit.k8s.io/v1 EventList")]
    [InlineData("[1,2,3]", "not an object")]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[{\"auditID\":\"first\"},42,{\"auditID\":\"third\"}]}", "items[1] is not an event object")]
    public async Task MalformedBodyIsAnswered400WithAMessageAndNothingIsSpooled(string body, string message)
    {
        using var endpoint = new AuditEndpoint();
        await using var sidecar = SidecarProcess.Start(endpoint.Flags());
        await AuditEndpoint.WaitListeningAsync(sidecar);
        var client = endpoint.Client(token: AuditEndpoint.Token);

        var (code, text, _) = await endpoint.PostAsync(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Equal(0, endpoint.SpoolBytes());

        // The connection stays usable, and the next good batch is the first thing delivered.
        Assert.Equal(HttpStatusCode.OK, (await endpoint.PostAsync(client, AuditEndpoint.EventList(["after"]))).Code);
        await sidecar.Process.WaitUntilAsync(lines => AuditEndpoint.AuditIds(lines).Count >= 1, "the good batch");
        Assert.Equal(["after"], AuditEndpoint.AuditIds(sidecar.Process.Lines));
    }

    [Fact]
    public async Task BatchThatWouldTakeTheSpoolOverItsBudgetIsAnswered429WithRetryAfterAndCounted()
    {
        using var endpoint = new AuditEndpoint();
        using var metrics = new MetricsEndpoint();

        // A backend that is down: nothing is delivered, so nothing leaves the spool.
        var config = endpoint.Directory.File("config.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "mode": "ship",
              "sinks": [{ "type": "loki", "endpoint": "http://127.0.0.1:{{LoopbackPort.Free()}}" }],
              "sources": { "audit": { "spoolMaxBytes": 1048576, "spoolFileBytes": 65536, "maxRequestBytes": 1048576, "retryAfterSeconds": 7 } }
            }
            """, TestContext.Current.CancellationToken);
        await using var sidecar = SidecarProcess.Start(["--config", config, .. endpoint.Flags(), .. metrics.Flags]);
        await AuditEndpoint.WaitListeningAsync(sidecar);
        var client = endpoint.Client(token: AuditEndpoint.Token);

        // About 400 KiB each: two fit in 1 MiB, the third does not.
        var accepted = new List<HttpStatusCode>();
        for (var batch = 0; batch < 2; batch++)
        {
            accepted.Add((await endpoint.PostAsync(client, AuditEndpoint.EventList(AuditEndpoint.Ids($"b{batch}", 100), padding: 4000))).Code);
        }

        var spooled = endpoint.SpoolBytes();
        var (code, text, response) = await endpoint.PostAsync(client, AuditEndpoint.EventList(AuditEndpoint.Ids("b2", 100), padding: 4000));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], accepted);
        Assert.Equal(HttpStatusCode.TooManyRequests, code);
        Assert.Contains("spool is full", text, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal(spooled, endpoint.SpoolBytes());
        var scraped = await metrics.WaitUntilAsync(m => MetricsEndpoint.Value(m, "logsidecar_audit_requests_total{code=\"429\"}") == 1, "one 429 counted", sidecar.Process);
        Assert.Equal(200, MetricsEndpoint.Value(scraped, "logsidecar_audit_events_spooled_total"));
        Assert.Equal(spooled, MetricsEndpoint.Value(scraped, "logsidecar_audit_spool_bytes"));
    }
}
