using System.Buffers;
using System.Text;
using System.Text.Json;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Text;
using static LogSidecar.Sinks.Protobuf.ProtobufWriter;

namespace LogSidecar.Sinks.Otlp;

/// <summary>
/// OTLP/HTTP logs (<c>POST /v1/logs</c>, binary protobuf): each record is encoded once as a
/// <c>LogRecord</c> (<see cref="LogRecordEncoder"/>); a request is one <c>ResourceLogs</c> with the
/// pod's <c>k8s.*</c> attributes and one <c>ScopeLogs</c> (scope <c>logsidecar</c>) around the
/// selected records, or one per container when streams name their app container (the resource is
/// what wrote the records, so <c>k8s.container.name</c> differs between them). Per the OTLP specification 429, 502, 503 and 504 are retried (with
/// Retry-After), and, as for every sink, 401/403/408 while credentials rotate (see
/// <see cref="ResponseClassifier"/>); any other failure is refused for good with the collector's
/// google.rpc.Status message, and a 200 with <c>partial_success</c> means the collector dropped that many records
/// without saying which (see <see cref="OtlpLogsAnswer"/>).
/// </summary>
internal sealed class OtlpLogsProtocol : IBackendProtocol
{
    private const int ResourceLogsField = 1;
    private const int ResourceField = 1;
    private const int ResourceAttributesField = 1;
    private const int ScopeLogsField = 2;
    private const int ScopeField = 1;
    private const int LogRecordsField = 2;

    // The answers are small messages; what is past this is not needed to read them.
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly LogRecordEncoder _encoder;
    private readonly TimeProvider _time;
    private readonly PodMetadata _pod;

    // One encoded Resource per container name (a ShipItem's group is its index), index 0 for CONTAINER_NAME's;
    // built once, so WriteBody may read them while Encode fills the next batch.
    private readonly byte[][] _resources;
    private readonly Dictionary<string, int> _groups = new(StringComparer.Ordinal);
    private readonly byte[] _scope;
    private readonly PerFile<int> _groupOf;

    public OtlpLogsProtocol(Uri endpoint, PodMetadata pod, LogRecordEncoder encoder, TimeProvider time)
    {
        Target = new Uri(endpoint, "v1/logs");
        _encoder = encoder;
        _time = time;
        _pod = pod;
        var resources = new List<byte[]> { Resource(pod) };
        foreach (var (stream, container) in pod.StreamContainers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (_groups.TryAdd(container, resources.Count))
            {
                resources.Add(Resource(pod.For(stream)));
            }
        }

        _resources = [.. resources];
        _scope = Scope();
        _groupOf = new PerFile<int>(GroupOf);
    }

    public Uri Target { get; }

    public string ContentType => "application/x-protobuf";

    public int WorstCaseBytes(PreparedRecord record) => LogRecordEncoder.WorstCaseBytes(record);

    public void Encode(PreparedRecord record, ShipItems items)
    {
        var start = items.Bytes.Length;
        _encoder.Write(record, items.Bytes);
        items.Add(new ShipItem(start, items.Bytes.Length - start, UnixTime.Nanoseconds(record.Time), _groupOf[record.File], RecordId.Of(record), record.File));
    }

    /// <summary>ExportLogsServiceRequest { resource_logs { resource, scope_logs { scope, log_records... } }... }: one resource_logs per group with records, lengths computed first.</summary>
    public void WriteBody(ShipItems items, IReadOnlyList<int> selected, IBufferWriter<byte> body)
    {
        for (var group = 0; group < _resources.Length; group++)
        {
            WriteResourceLogs(items, selected, group, body);
        }
    }

    private void WriteResourceLogs(ShipItems items, IReadOnlyList<int> selected, int group, IBufferWriter<byte> body)
    {
        var scopeLogs = _scope.Length;
        var any = false;
        foreach (var index in selected)
        {
            if (items[index].Group == group)
            {
                scopeLogs += FieldSize(items[index].Length);
                any = true;
            }
        }

        if (!any)
        {
            return;
        }

        var resource = _resources[group];
        var resourceLogs = (resource.Length == 0 ? 0 : FieldSize(resource.Length)) + FieldSize(scopeLogs);
        var head = body.GetSpan(32 + resource.Length + _scope.Length);
        var written = 0;
        Header(head, ref written, ResourceLogsField, resourceLogs);
        if (resource.Length > 0)
        {
            Bytes(head, ref written, ResourceField, resource);
        }

        Header(head, ref written, ScopeLogsField, scopeLogs);
        SpanWriter.Put(head, ref written, _scope);
        body.Advance(written);

        foreach (var index in selected)
        {
            if (items[index].Group != group)
            {
                continue;
            }

            var payload = items.Payload(items[index]);
            var span = body.GetSpan(payload.Length + 8);
            written = 0;
            Bytes(span, ref written, LogRecordsField, payload);
            body.Advance(written);
        }
    }

    /// <summary>The resource group of a file's records: 0 unless its stream names a container, else that container's.</summary>
    private int GroupOf(TrackedFile file) =>
        _pod.StreamContainers.TryGetValue(file.Stream, out var container) ? _groups[container] : 0;

    public void WriteDeadLetter(ShipItems items, in ShipItem item, Utf8JsonWriter writer) =>
        LogRecordJson.Write(items.Payload(item), writer);

    public async Task<SendOutcome> ReadResponseAsync(HttpResponseMessage response, ShipItems items, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, CancellationToken cancellationToken)
    {
        var (body, length) = await ReadAnswerAsync(response, cancellationToken);
        var answer = body.AsSpan(0, length);
        var status = response.StatusCode;
        var verdict = ResponseClassifier.ForStatus(status, RetryRule.Otlp);
        if (verdict == ItemVerdict.Delivered)
        {
            // The collector stored what it did not report as rejected; sending any record again
            // would duplicate stored ones, since the answer does not say which were rejected.
            verdicts.SetAll(selected, ItemVerdict.Delivered);
            return OtlpLogsAnswer.PartialSuccess(answer, selected.Count) is { } rejected
                ? SendOutcome.Done with { Unattributed = rejected }
                : SendOutcome.Done;
        }

        var label = ResponseClassifier.Label(status);
        var message = OtlpLogsAnswer.StatusMessage(answer, response.Content.Headers.ContentType?.MediaType);
        verdicts.SetAll(selected, verdict, label, $"{(int)status} from OTLP /v1/logs: {message}");
        return verdict == ItemVerdict.Retry ? new SendOutcome(label, ResponseClassifier.RetryAfter(response, _time)) : SendOutcome.Done;
    }

    private static async Task<(byte[] Body, int Length)> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        var length = 0;
        while (length < MaxAnswerBytes)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return (buffer, length);
    }

    /// <summary>Resource { attributes: k8s.* from the downward API, only those set }, or nothing when none is.</summary>
    private static byte[] Resource(PodMetadata pod)
    {
        var attributes = new ArrayBufferWriter<byte>(256);
        foreach (var (key, value) in new[]
        {
            ("k8s.namespace.name", pod.Namespace),
            ("k8s.pod.name", pod.PodName),
            ("k8s.pod.uid", pod.PodUid),
            ("k8s.container.name", pod.ContainerName),
            ("k8s.node.name", pod.NodeName),
        })
        {
            if (value is not null)
            {
                LogRecordEncoder.AddString(attributes, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), ResourceAttributesField);
            }
        }

        return attributes.WrittenSpan.ToArray();
    }

    /// <summary>ScopeLogs.scope = InstrumentationScope { name: "logsidecar" }, as a whole field.</summary>
    private static byte[] Scope()
    {
        var name = "logsidecar"u8;
        var scope = new byte[FieldSize(FieldSize(name.Length))];
        var written = 0;
        Header(scope, ref written, ScopeField, FieldSize(name.Length));
        Bytes(scope, ref written, 1, name);
        return scope;
    }
}
