using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LogSidecar.Tests.Shipping.Receivers;

/// <summary>
/// Loki's push API (<c>POST /loki/api/v1/push</c>, JSON) as documented: streams of labels and
/// <c>[nanoseconds-as-string, line]</c> values, answered 204. With <see cref="UnorderedWrites"/>
/// off (Loki before 2.4, or <c>unordered_writes: false</c>) an entry older than its stream's newest
/// is refused while the request's other entries are stored, and the answer is 400 listing each
/// refused entry as <c>entry with timestamp ... ignored, reason: 'entry out of order'</c>: a
/// partial ingest the client cannot resend. Whole-request faults (429 with Retry-After, 5xx, a
/// reset connection) are injected in order.
/// </summary>
internal sealed class LokiPushReceiver : LoopbackHttpReceiver
{
    private readonly ConcurrentQueue<LokiEntry> _entries = new();
    private readonly ConcurrentQueue<LokiEntry> _refused = new();
    private readonly ConcurrentQueue<RequestFault> _faults = new();
    private readonly Lock _lock = new();

    // The newest timestamp stored per stream (its labels in a canonical form); guarded by _lock.
    private readonly Dictionary<string, long> _newest = new(StringComparer.Ordinal);

    /// <summary>Loki's default since 2.4 (true): entries of a stream may arrive in any order.</summary>
    public bool UnorderedWrites { get; set; } = true;

    public IReadOnlyCollection<LokiEntry> Entries => _entries;

    /// <summary>Entries refused as out of order.</summary>
    public IReadOnlyCollection<LokiEntry> Refused => _refused;

    /// <summary>The next requests get these faults, one each, in order.</summary>
    public void FailNext(params RequestFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/loki/api/v1/push")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var body = await ReadBodyAsync(context.Request);
        if (_faults.TryDequeue(out var fault))
        {
            if (fault.ResetConnection)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await context.Response.WriteAsync(fault.Status == 429 ? "Ingestion rate limit exceeded for user fake (limit: 4194304 bytes/sec)" : "injected fault");
            return;
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            context.Response.StatusCode = 415;
            await context.Response.WriteAsync("unsupported Content-Type");
            return;
        }

        var (status, message) = Push(body);
        context.Response.StatusCode = status;
        if (message.Length > 0)
        {
            await context.Response.WriteAsync(message);
        }
    }

    private (int Status, string Message) Push(byte[] body)
    {
        using var push = JsonDocument.Parse(body);
        var refused = new StringBuilder();
        var total = 0;
        var ignored = 0;
        lock (_lock)
        {
            foreach (var stream in push.RootElement.GetProperty("streams").EnumerateArray())
            {
                var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
                if (labels.Count == 0)
                {
                    return (400, "error at least one label pair is required per stream");
                }

                var key = "{" + string.Join(", ", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}=\"{p.Value}\"")) + "}";
                foreach (var value in stream.GetProperty("values").EnumerateArray())
                {
                    total++;
                    var entry = new LokiEntry(labels, long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!);
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
}
