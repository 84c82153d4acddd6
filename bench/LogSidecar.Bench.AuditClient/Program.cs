using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// Usage: LogSidecar.Bench.AuditClient URL CA_FILE TOKEN SECONDS CONNECTIONS EVENTS_PER_BATCH
// Each connection POSTs audit.k8s.io/v1 EventLists (every event with its own auditID) one after the
// other over keep-alive HTTPS for SECONDS, as the API server's batch backend does, and prints one line:
// batches, events accepted, events/s, answers other than 200, and p50/p99/max answer latency in ms.
var url = new Uri(args[0]);
using var authority = X509CertificateLoader.LoadCertificateFromFile(args[1]);
var token = args[2];
var duration = TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture));
var connections = int.Parse(args[4], CultureInfo.InvariantCulture);
var eventsPerBatch = int.Parse(args[5], CultureInfo.InvariantCulture);

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = connections,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    SslOptions =
    {
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(leaf);
        },
    },
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

// One event as a kube-apiserver writes it at Request level (~900 bytes); AUDITID is replaced per event.
const string Event = """{"level":"Request","auditID":"AUDITID","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=kubectl-client-side-apply","verb":"patch","user":{"username":"system:serviceaccount:ci:deployer","uid":"0b6c1f6e-3c1a-4a57-9a9e-7d1b1c5e2f10","groups":["system:serviceaccounts","system:serviceaccounts:ci","system:authenticated"]},"sourceIPs":["10.244.1.17"],"userAgent":"kubectl/v1.31.0 (linux/amd64) kubernetes/abc1234","objectRef":{"resource":"deployments","namespace":"shop","name":"web","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestObject":{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-30T10:00:00Z"}}}}},"requestReceivedTimestamp":"2026-11-30T10:00:00.000000Z","stageTimestamp":"2026-11-30T10:00:00.012000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"ci-deployer\""}}""";

long nextId = 0;
string Body()
{
    var body = new StringBuilder(eventsPerBatch * (Event.Length + 16) + 128);
    body.Append("""{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[""");
    for (var i = 0; i < eventsPerBatch; i++)
    {
        body.Append(i == 0 ? "" : ",").Append(Event.Replace("AUDITID", Interlocked.Increment(ref nextId).ToString("x16", CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    return body.Append("]}").ToString();
}

var latencies = new List<double>[connections];
var refused = 0L;
var clock = Stopwatch.StartNew();
var workers = Enumerable.Range(0, connections).Select(async worker =>
{
    var mine = latencies[worker] = [];
    while (clock.Elapsed < duration)
    {
        using var content = new StringContent(Body(), Encoding.UTF8, "application/json");
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(url, content);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode == HttpStatusCode.OK)
        {
            mine.Add(elapsed);
        }
        else
        {
            Interlocked.Increment(ref refused);
        }
    }
}).ToList();
await Task.WhenAll(workers);
var seconds = clock.Elapsed.TotalSeconds;

var all = latencies.SelectMany(l => l).Order().ToList();
double Quantile(double q) => all.Count == 0 ? 0 : all[Math.Min(all.Count - 1, (int)Math.Ceiling(q * all.Count) - 1)];
var events = (long)all.Count * eventsPerBatch;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"batches={all.Count} events={events} seconds={seconds:F1} events_per_s={events / seconds:F0} not_200={refused} p50_ms={Quantile(0.50):F1} p99_ms={Quantile(0.99):F1} max_ms={(all.Count == 0 ? 0 : all[^1]):F1}"));
return refused == 0 ? 0 : 1;
