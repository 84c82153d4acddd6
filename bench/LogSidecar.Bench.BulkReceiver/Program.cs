using System.IO.Compression;
using System.Net;

// Usage: LogSidecar.Bench.BulkReceiver PORT
// Answers POST /_bulk like an Elasticsearch cluster that stores every document: 200, errors false,
// one "created" item per create action. Prints the documents received when stdin closes.
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 9200;
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
var head = """{"took":1,"errors":false,"items":["""u8.ToArray();
var item = """{"create":{"_index":"logs","_id":"x","_version":1,"result":"created","status":201}}"""u8.ToArray();
var comma = ","u8.ToArray();
var tail = "]}"u8.ToArray();
long documents = 0;
var responses = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();

app.MapPost("/_bulk", async (HttpContext context) =>
{
    var body = context.Request.Headers.ContentEncoding == "gzip"
        ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
        : context.Request.Body;
    var buffer = new byte[64 * 1024];
    long newlines = 0;
    int read;
    while ((read = await body.ReadAsync(buffer)) > 0)
    {
        newlines += buffer.AsSpan(0, read).Count((byte)'\n');
    }

    var count = (int)(newlines / 2);
    Interlocked.Add(ref documents, count);
    context.Response.ContentType = "application/json";
    await context.Response.Body.WriteAsync(responses.GetOrAdd(count, Answer));
});

// The answer to a request of n documents: the same for every such request, so it is built once.
byte[] Answer(int count)
{
    using var answer = new MemoryStream();
    answer.Write(head);
    for (var i = 0; i < count; i++)
    {
        answer.Write(i == 0 ? [] : comma);
        answer.Write(item);
    }

    answer.Write(tail);
    return answer.ToArray();
}

await app.StartAsync();
await Console.Error.WriteLineAsync($"listening on 127.0.0.1:{port}");
await Console.In.ReadToEndAsync();
await app.StopAsync();
await Console.Out.WriteLineAsync(documents.ToString(System.Globalization.CultureInfo.InvariantCulture));
