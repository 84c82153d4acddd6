using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>
/// An OTLP/HTTP logs receiver (<c>POST /v1/logs</c>, binary protobuf) as the specification says a
/// collector answers: 200 with an <c>ExportLogsServiceResponse</c>, whose <c>partial_success</c>
/// counts the records it dropped (<see cref="RejectNext"/>: the last N of the next request, without
/// saying which); failures carry a <c>google.rpc.Status</c> body; 503 may come with Retry-After.
/// Faults are injected per request, in order; a reset connection drops it unanswered.
/// </summary>
internal sealed class OtlpLogsReceiver : LoopbackHttpReceiver
{
    private readonly ConcurrentQueue<OtlpLogRecord> _records = new();
    private readonly ConcurrentQueue<(int Count, string Message)> _rejections = new();
    private int _dropped;

    public IReadOnlyCollection<OtlpLogRecord> Records => _records;

    /// <summary>Records answered as rejected in a partial success.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>The next accepted request stores all but its last <paramref name="count"/> records and says so in partial_success.</summary>
    public void RejectNext(int count, string message) => _rejections.Enqueue((count, message));

    /// <summary>Decodes an ExportLogsServiceRequest into its records.</summary>
    public static List<OtlpLogRecord> Decode(byte[] request)
    {
        var records = new List<OtlpLogRecord>();
        foreach (var resourceLogs in OtlpWire.Fields(request).Where(f => f.Field == 1))
        {
            var fields = OtlpWire.Fields(resourceLogs.Bytes);
            var resource = fields.Where(f => f.Field == 1).Select(f => OtlpWire.Attributes(OtlpWire.Fields(f.Bytes).Where(a => a.Field == 1).Select(a => a.Bytes))).SingleOrDefault()
                ?? new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var scopeLogs in fields.Where(f => f.Field == 2))
            {
                var scopeFields = OtlpWire.Fields(scopeLogs.Bytes);
                var scope = OtlpWire.Text(OtlpWire.Fields(scopeFields.Single(f => f.Field == 1).Bytes).Single(f => f.Field == 1).Bytes);
                foreach (var logRecord in scopeFields.Where(f => f.Field == 2))
                {
                    records.Add(Record(resource, scope, OtlpWire.Fields(logRecord.Bytes)));
                }
            }
        }

        return records;
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v1/logs")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var body = await ReadBodyAsync(context.Request);
        // google.rpc.Status codes: 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE.
        if (await AnswerFaultAsync(context, fault => AnswerAsync(context, fault.Status, Status(fault.Status switch { 400 => 3UL, 429 => 8UL, _ => 14UL }, $"injected: status {fault.Status}, log record field 'body' is invalid"))))
        {
            return;
        }

        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = 415;
            return;
        }

        var records = Decode(body);
        var rejected = _rejections.TryDequeue(out var rejection) ? Math.Min(rejection.Count, records.Count) : 0;
        foreach (var record in records.Take(records.Count - rejected))
        {
            _records.Enqueue(record);
        }

        Interlocked.Add(ref _dropped, rejected);
        using var response = new MemoryStream();
        if (rejected > 0)
        {
            using var partial = new MemoryStream();
            OtlpWire.WriteVarintField(partial, 1, (ulong)rejected);
            OtlpWire.WriteBytes(partial, 2, Encoding.UTF8.GetBytes(rejection.Message));
            OtlpWire.WriteBytes(response, 1, partial.ToArray());
        }

        await AnswerAsync(context, 200, response.ToArray());
    }

    private static async Task AnswerAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(body);
    }

    private static byte[] Status(ulong code, string message)
    {
        using var status = new MemoryStream();
        OtlpWire.WriteVarintField(status, 1, code);
        OtlpWire.WriteBytes(status, 2, Encoding.UTF8.GetBytes(message));
        return status.ToArray();
    }

    private static OtlpLogRecord Record(IReadOnlyDictionary<string, string> resource, string scope, List<(int Field, int WireType, ulong Number, byte[] Bytes)> fields)
    {
        ulong Number(int field) => fields.SingleOrDefault(f => f.Field == field).Number;
        var severityText = fields.Where(f => f.Field == 3).Select(f => OtlpWire.Text(f.Bytes)).SingleOrDefault() ?? "";
        var body = fields.Where(f => f.Field == 5).Select(f => OtlpWire.AnyValue(f.Bytes)).SingleOrDefault() ?? "";
        Assert.All(fields.Where(f => f.Field is 1 or 11), f => Assert.Equal(1, f.WireType));
        var attributes = fields.Where(f => f.Field == 6).Select(f => f.Bytes).ToList();
        return new OtlpLogRecord(resource, scope, Number(1), Number(11), (int)Number(2), severityText, body, OtlpWire.Attributes(attributes), OtlpWire.TypedAttributes(attributes));
    }
}
