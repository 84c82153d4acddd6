using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>
/// The Elasticsearch/OpenSearch <c>_bulk</c> API as documented: NDJSON action and source lines;
/// <c>create</c> stores a document under its <c>_id</c> and answers 201, or 409
/// (<c>version_conflict_engine_exception</c>) when the id exists; the response lists one item per
/// action in order, with <c>errors</c> true when any item failed. Faults are injected per request
/// (a whole-request status with Retry-After, a delay, a reset connection) and per item (any status,
/// with an error type and reason), to play the partial failures real clusters produce.
/// </summary>
internal sealed class ElasticsearchBulkReceiver : LoopbackHttpReceiver
{
    private readonly ConcurrentDictionary<(string Index, string Id), JsonObject> _documents = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private int _created;
    private int _conflicts;

    /// <summary>Decides an item's answer from its id, its document and how often it was tried (1 = first); null stores it.</summary>
    public Func<string, JsonObject, int, BulkItemFault?>? ItemFaults { get; set; }

    /// <summary>Documents stored, by index and id.</summary>
    public IReadOnlyDictionary<(string Index, string Id), JsonObject> Documents => _documents;

    /// <summary>Create actions answered 201.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Create actions answered 409 because the id was stored already: re-sends, deduplicated.</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    public TimeSpan ResponseDelay { get; set; }

    /// <summary>When set, requests without exactly this Authorization header get 401 security_exception, as a secured cluster answers.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>When set, a request whose body (as sent) is longer gets 413, as http.max_content_length does.</summary>
    public int? MaxContentLength { get; set; }

    /// <summary>How often the item with this id was sent.</summary>
    public int Attempts(string id) => _attempts.GetValueOrDefault(id);

    protected override async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/_bulk")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (context.Request.ContentLength > MaxContentLength)
        {
            context.Response.StatusCode = 413;
            return;
        }

        var body = await ReadBodyAsync(context.Request);
        if (RequiredAuthorization is { } required && context.Request.Headers.Authorization.ToString() != required)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"security\" charset=\"UTF-8\"";
            await context.Response.WriteAsync("""{"error":{"type":"security_exception","reason":"unable to authenticate user"},"status":401}""");
            return;
        }

        if (await AnswerFaultAsync(context, fault => context.Response.WriteAsync($$"""{"error":{"type":"injected","reason":"status {{fault.Status}}"},"status":{{fault.Status}}}""")))
        {
            return;
        }

        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay);
        }

        if (context.Request.ContentType != "application/x-ndjson")
        {
            context.Response.StatusCode = 406;
            return;
        }

        var items = new JsonArray();
        var errors = false;
        var lines = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length % 2 != 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":{"type":"illegal_argument_exception","reason":"The bulk request must be terminated by a newline [\\n]"},"status":400}""");
            return;
        }

        for (var i = 0; i < lines.Length; i += 2)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject();
            var create = action["create"]!.AsObject();
            var index = create["_index"]!.GetValue<string>();
            var id = create["_id"]!.GetValue<string>();
            var document = JsonNode.Parse(lines[i + 1])!.AsObject();
            var item = Answer(index, id, document);
            errors |= item["status"]!.GetValue<int>() >= 300;
            items.Add(new JsonObject { ["create"] = item });
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["took"] = 1, ["errors"] = errors, ["items"] = items }.ToJsonString());
    }

    private JsonObject Answer(string index, string id, JsonObject document)
    {
        var attempt = _attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
        var item = new JsonObject { ["_index"] = index, ["_id"] = id };
        if (ItemFaults?.Invoke(id, document, attempt) is { } fault)
        {
            item["status"] = fault.Status;
            item["error"] = new JsonObject { ["type"] = fault.Type, ["reason"] = fault.Reason };
            return item;
        }

        if (!_documents.TryAdd((index, id), document))
        {
            Interlocked.Increment(ref _conflicts);
            item["status"] = 409;
            item["error"] = new JsonObject
            {
                ["type"] = "version_conflict_engine_exception",
                ["reason"] = $"[{id}]: version conflict, document already exists (current version [1])",
            };
            return item;
        }

        Interlocked.Increment(ref _created);
        item["_version"] = 1;
        item["result"] = "created";
        item["status"] = 201;
        return item;
    }
}
