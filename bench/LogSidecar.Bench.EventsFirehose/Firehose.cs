using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LogSidecar.Bench.EventsFirehose;

/// <summary>
/// The API server side: GET /apis/events.k8s.io/v1/events answers an empty list at resourceVersion 1;
/// with watch=true from 1 it streams every prepared ADDED line, then holds the stream open as the API
/// server does until timeoutSeconds.
/// </summary>
internal sealed class Firehose : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Firehose(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>One watch line per event (with its newline), each a distinct event of a realistic size.</summary>
    public static byte[][] Render(int count)
    {
        var lines = new byte[count][];
        var at = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            var uid = $"{i:x8}-1c2d-4e5f-8a9b-{i:x12}";
            var version = (i + 2).ToString(CultureInfo.InvariantCulture);
            lines[i] = Encoding.UTF8.GetBytes(
                $$"""{"type":"ADDED","object":{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web-{{i}}.{{uid[..8]}}","namespace":"shop","uid":"{{uid}}","resourceVersion":"{{version}}","creationTimestamp":"{{at}}"},"eventTime":"{{at}}","reportingController":"kubelet","reportingInstance":"node-{{i % 50}}","action":"Pulling","reason":"Pulling","note":"Pulling image \"registry.example.com/shop/web:1.{{i % 100}}\"","type":"Normal","regarding":{"kind":"Pod","namespace":"shop","name":"web-{{i}}","uid":"{{uid}}","apiVersion":"v1","fieldPath":"spec.containers{web}""" + "\"}}}\n");
        }

        return lines;
    }

    public static async Task<Firehose> StartAsync(X509Certificate2 certificate, byte[][] lines)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.MapGet("/apis/events.k8s.io/v1/events", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            if (context.Request.Query["watch"] != "true")
            {
                await context.Response.WriteAsync("""{"apiVersion":"events.k8s.io/v1","kind":"EventList","metadata":{"resourceVersion":"1"},"items":[]}""");
                return;
            }

            await context.Response.StartAsync();
            foreach (var line in lines)
            {
                await context.Response.Body.WriteAsync(line);
            }

            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client went away.
            }
        });
        await app.StartAsync();
        return new Firehose(app, new Uri(app.Urls.First()).Port);
    }

    /// <summary>How long a plain HTTPS client takes to read <paramref name="count"/> watch lines.</summary>
    public static async Task<TimeSpan> ReadWithPlainClientAsync(int port, X509Certificate2 certificate, int count)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint };
        using var client = new HttpClient(handler);
        var start = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{port}/apis/events.k8s.io/v1/events?watch=true&resourceVersion=1"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256 * 1024];
        long seen = 0;
        while (seen < count)
        {
            var read = await body.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            seen += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return start.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
