using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Snappier;

namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>
/// Loki's push API (<c>POST /loki/api/v1/push</c>) as documented: JSON streams of labels and
/// <c>[nanoseconds-as-string, line]</c> values, or a snappy-compressed protobuf PushRequest,
/// answered 204. With <see cref="UnorderedWrites"/>
/// off (Loki before 2.4, or <c>unordered_writes: false</c>) an entry older than its stream's newest
/// is refused while the request's other entries are stored, and the answer is 400 listing each
/// refused entry as <c>entry with timestamp ... ignored, reason: 'entry out of order'</c>: a
/// partial ingest the client cannot resend. Whole-request faults (429 with Retry-After, 5xx, a
/// reset connection) are injected in order.
/// </summary>
internal sealed partial class LokiPushReceiver : LoopbackHttpReceiver
{
    private readonly ConcurrentQueue<LokiEntry> _entries = new();
    private readonly ConcurrentQueue<LokiEntry> _refused = new();
    private readonly Lock _lock = new();
    private int _protobufRequests;

    // The newest timestamp stored per stream (its labels in a canonical form); guarded by _lock.
    private readonly Dictionary<string, long> _newest = new(StringComparer.Ordinal);

    private readonly ConcurrentQueue<string> _tenants = new();

    /// <summary>Multi-tenant Loki (auth_enabled): a push without X-Scope-OrgID is refused with 401 "no org id".</summary>
    public bool AuthEnabled { get; set; }

    /// <summary>The X-Scope-OrgID of every push that was stored.</summary>
    public IReadOnlyCollection<string> Tenants => _tenants;

    /// <summary>Loki's default since 2.4 (true): entries of a stream may arrive in any order.</summary>
    public bool UnorderedWrites { get; set; } = true;

    public IReadOnlyCollection<LokiEntry> Entries => _entries;

    /// <summary>Requests that came as protobuf and snappy rather than JSON.</summary>
    public int ProtobufRequests => Volatile.Read(ref _protobufRequests);

    /// <summary>Entries refused as out of order.</summary>
    public IReadOnlyCollection<LokiEntry> Refused => _refused;

    protected override async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/loki/api/v1/push")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var tenant = context.Request.Headers["X-Scope-OrgID"].ToString();
        if (AuthEnabled && tenant.Length == 0)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("no org id\n");
            return;
        }

        var body = await ReadBodyAsync(context.Request);
        if (await AnswerFaultAsync(context, fault => context.Response.WriteAsync(fault.Status == 429 ? "Ingestion rate limit exceeded for user fake (limit: 4194304 bytes/sec)" : "injected fault")))
        {
            return;
        }

        List<(Dictionary<string, string> Labels, List<(long UnixNanos, string Line)> Entries)> streams;
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
        {
            streams = JsonStreams(body);
        }
        else if (context.Request.ContentType == "application/x-protobuf")
        {
            streams = ProtobufStreams(Snappy.DecompressToArray(body));
            Interlocked.Increment(ref _protobufRequests);
        }
        else
        {
            context.Response.StatusCode = 415;
            await context.Response.WriteAsync("unsupported Content-Type");
            return;
        }

        var (status, message) = Push(streams);
        if (status == 204)
        {
            _tenants.Enqueue(tenant);
        }

        context.Response.StatusCode = status;
        if (message.Length > 0)
        {
            await context.Response.WriteAsync(message);
        }
    }

    /// <summary>The JSON push: <c>{"streams":[{"stream":{labels},"values":[["ns","line"],...]}]}</c>.</summary>
    private static List<(Dictionary<string, string>, List<(long, string)>)> JsonStreams(byte[] body)
    {
        using var push = JsonDocument.Parse(body);
        return [.. push.RootElement.GetProperty("streams").EnumerateArray().Select(stream => (
            stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
            stream.GetProperty("values").EnumerateArray().Select(value => (long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!)).ToList()))];
    }

    /// <summary>
    /// The protobuf push (logproto.PushRequest, after snappy): streams = 1 { labels = 1 (a selector
    /// such as <c>{a="b", c="d"}</c>), entries = 2 { timestamp = 1 { seconds = 1, nanos = 2 }, line = 2 } }.
    /// </summary>
    private static List<(Dictionary<string, string>, List<(long, string)>)> ProtobufStreams(byte[] request)
    {
        var streams = new List<(Dictionary<string, string>, List<(long, string)>)>();
        foreach (var stream in OtlpWire.Fields(request).Where(f => f.Field == 1))
        {
            var fields = OtlpWire.Fields(stream.Bytes);
            var selector = OtlpWire.Text(fields.Single(f => f.Field == 1).Bytes);
            var labels = LabelPair().Matches(selector).ToDictionary(
                m => m.Groups[1].Value,
                m => Regex.Unescape(m.Groups[2].Value),
                StringComparer.Ordinal);
            var entries = new List<(long, string)>();
            foreach (var entry in fields.Where(f => f.Field == 2))
            {
                var entryFields = OtlpWire.Fields(entry.Bytes);
                var timestamp = OtlpWire.Fields(entryFields.Single(f => f.Field == 1).Bytes);
                var seconds = (long)timestamp.SingleOrDefault(f => f.Field == 1).Number;
                var nanos = (long)timestamp.SingleOrDefault(f => f.Field == 2).Number;
                entries.Add(((seconds * 1_000_000_000L) + nanos, OtlpWire.Text(entryFields.Single(f => f.Field == 2).Bytes)));
            }

            streams.Add((labels, entries));
        }

        return streams;
    }

    private (int Status, string Message) Push(List<(Dictionary<string, string> Labels, List<(long UnixNanos, string Line)> Entries)> streams)
    {
        var refused = new StringBuilder();
        var total = 0;
        var ignored = 0;
        lock (_lock)
        {
            foreach (var (labels, values) in streams)
            {
                if (labels.Count == 0)
                {
                    return (400, "error at least one label pair is required per stream");
                }

                var key = "{" + string.Join(", ", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}=\"{p.Value}\"")) + "}";
                foreach (var (unixNanos, line) in values)
                {
                    total++;
                    var entry = new LokiEntry(labels, unixNanos, line);
                    var newest = _newest.GetValueOrDefault(key, long.MinValue);
                    if (!UnorderedWrites && entry.UnixNanos < newest)
                    {
                        ignored++;
                        _refused.Enqueue(entry);
                        var at = DateTimeOffset.UnixEpoch.AddTicks(entry.UnixNanos / 100).ToString("O", CultureInfo.InvariantCulture);
                        refused.Append(CultureInfo.InvariantCulture, $"entry with timestamp {at} ignored, reason: 'entry out of order' for stream: {key},\n");
                        continue;
                    }

                    _newest[key] = Math.Max(newest, entry.UnixNanos);
                    _entries.Enqueue(entry);
                }
            }
        }

        return ignored == 0
            ? (204, "")
            : (400, refused.Append(CultureInfo.InvariantCulture, $"user 'fake', total ignored: {ignored} out of {total}").ToString());
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
