using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace LogSidecar.Tests.Sources.Audit;

/// <summary>
/// What a test of the audit webhook needs: a private CA with a server certificate for 127.0.0.1 and a
/// client certificate it signed (as the API server's webhook kubeconfig holds), their PEM files, a
/// token file, a spool directory, a free port, the sidecar's flags for them, and HTTPS clients that
/// trust the CA and post EventLists like the API server's batch backend.
/// </summary>
public sealed class AuditEndpoint : IDisposable
{
    public const string Token = "audit-token-0123456789";

    private readonly List<HttpClient> _clients = [];

    public AuditEndpoint()
    {
        Certificates = TestCertificates.Create("audit");
        ClientCertificate = Issue(Certificates.Authority, "kube-apiserver-audit");
        TestCertificates.WritePem(Certificates.Server, CertFile, KeyFile);
        Certificates.WriteAuthorityPem(CaFile);
        File.WriteAllText(TokenFile, Token + "\n");
    }

    public TempDirectory Directory { get; } = new();

    public TestCertificates Certificates { get; }

    /// <summary>A client certificate the configured CA signed.</summary>
    public X509Certificate2 ClientCertificate { get; }

    public int Port { get; } = LoopbackPort.Free();

    public string CertFile => Directory.File("tls.crt");

    public string KeyFile => Directory.File("tls.key");

    public string CaFile => Directory.File("client-ca.crt");

    public string TokenFile => Directory.File("token");

    public string Spool => Directory.File("spool");

    public Uri Url => new($"https://127.0.0.1:{Port}/audit");

    /// <summary>The flags of a sidecar serving the endpoint, with the client CA and the token file unless left out.</summary>
    public List<string> Flags(bool clientCa = true, bool token = true)
    {
        List<string> flags = ["--audit-listen", $"127.0.0.1:{Port}", "--tls-cert", CertFile, "--tls-key", KeyFile, "--audit-spool", Spool];
        if (clientCa)
        {
            flags.AddRange(["--client-ca", CaFile]);
        }

        if (token)
        {
            flags.AddRange(["--audit-token-file", TokenFile]);
        }

        return flags;
    }

    /// <summary>A client certificate signed by <paramref name="authority"/> for client authentication.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(authority, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// An HTTPS client with keep-alive that trusts only the test CA (or <paramref name="authority"/>), presenting
    /// <paramref name="certificate"/> and/or sending <paramref name="token"/>; <paramref name="seen"/> gets each server certificate.
    /// </summary>
    public HttpClient Client(X509Certificate2? certificate = null, string? token = null, Action<X509Certificate2>? seen = null, X509Certificate2? authority = null)
    {
        authority ??= Certificates.Authority;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, server, _, _) =>
                {
                    if (server is null)
                    {
                        return false;
                    }

                    using var leaf = X509CertificateLoader.LoadCertificate(server.GetRawCertData());
                    seen?.Invoke(leaf);
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(leaf);
                },
            },
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>POSTs <paramref name="body"/> as the API server does; the status code and the answer's text.</summary>
    public async Task<(HttpStatusCode Code, string Text, HttpResponseMessage Response)> PostAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await client.PostAsync(Url, content, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    /// <summary>
    /// An <c>audit.k8s.io/v1</c> EventList as the API server's batch backend sends it (items without
    /// kind and apiVersion), one Request-level create event per id.
    /// </summary>
    public static string EventList(IEnumerable<string> auditIds, int padding = 0)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kind", "EventList");
            json.WriteString("apiVersion", "audit.k8s.io/v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteStartArray("items");
            foreach (var id in auditIds)
            {
                json.WriteStartObject();
                json.WriteString("level", "Request");
                json.WriteString("auditID", id);
                json.WriteString("stage", "ResponseComplete");
                json.WriteString("requestURI", "/api/v1/namespaces/shop/configmaps");
                json.WriteString("verb", "create");
                json.WriteStartObject("user");
                json.WriteString("username", "system:serviceaccount:shop:deployer");
                json.WriteEndObject();
                json.WriteStartArray("sourceIPs");
                json.WriteStringValue("10.0.0.7");
                json.WriteEndArray();
                json.WriteStartObject("objectRef");
                json.WriteString("resource", "configmaps");
                json.WriteString("namespace", "shop");
                json.WriteString("name", "settings-" + id);
                json.WriteString("apiVersion", "v1");
                json.WriteEndObject();
                json.WriteStartObject("responseStatus");
                json.WriteNumber("code", 201);
                json.WriteEndObject();
                json.WriteStartObject("requestObject");
                json.WriteString("data", new string('x', padding) + "\nline two\u00e9");
                json.WriteEndObject();
                json.WriteString("requestReceivedTimestamp", "2026-11-30T10:00:00.000000Z");
                json.WriteString("stageTimestamp", "2026-11-30T10:00:00.120000Z");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Ids <c>{prefix}-00000</c> and on.</summary>
    public static List<string> Ids(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i:D5}"))];

    /// <summary>The audit ids of the records among <paramref name="lines"/>.</summary>
    public static List<string> AuditIds(IEnumerable<string> lines)
    {
        var ids = new List<string>();
        foreach (var line in lines.Where(SidecarProcess.IsComplete))
        {
            using var record = JsonDocument.Parse(line);
            if (record.RootElement.TryGetProperty("fields", out var fields) && fields.TryGetProperty("auditID", out var id))
            {
                ids.Add(id.GetString()!);
            }
        }

        return ids;
    }

    /// <summary>Waits until the sidecar says it listens.</summary>
    public static Task WaitListeningAsync(SidecarProcess sidecar) => sidecar.Process.WaitForErrorOutputAsync("Audit webhook listening on");

    /// <summary>Every byte in the spool files.</summary>
    public long SpoolBytes() =>
        System.IO.Directory.Exists(Spool) ? System.IO.Directory.GetFiles(Spool, "audit-*.jsonl").Sum(file => new FileInfo(file).Length) : 0;

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        ClientCertificate.Dispose();
        Certificates.Dispose();
        Directory.Dispose();
    }
}
