using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Delivery;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Sinks.Http;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// Delivers records to an HTTP backend in batches, at least once. A flush takes the pending items
/// (appends go on into a second set meanwhile), sends them, then sends again only those the answer
/// says to retry (after a jittered, capped backoff or the server's Retry-After), splits a request
/// the backend finds too large, dead-letters what is refused for good, and completes once nothing
/// is left. It never gives up on a transient failure: the files on disk are the buffer, and the
/// delivery loop cannot start this sink's next flush before this one completed. The HTTP request
/// itself (credentials, headers, gzip, time limit) is <see cref="BackendTransport"/>'s.
/// </summary>
internal sealed partial class ShippingSink : ISink, IDisposable
{
    private readonly ShippingOptions _options;
    private readonly IBackendProtocol _protocol;
    private readonly BackendTransport _transport;
    private readonly Func<HttpResponseMessage, CancellationToken, Task<SendOutcome>> _readAnswer;
    private readonly DeadLetterWriter _deadLetters;
    private readonly SinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly DeliveryVerdicts _verdicts = new();
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private readonly List<int> _unsettled = [];
    private readonly List<int> _request = [];
    private readonly List<int> _again = [];

    // Appends fill _items while _sending is delivered; FlushAsync swaps them.
    private ShipItems _items;
    private ShipItems _sending;
    private long _oldestAppend;

    public ShippingSink(ShippingOptions options, IBackendProtocol protocol, X509Certificate2Collection trust, DeadLetterWriter deadLetters, SinkMetrics metrics, TimeProvider time, ILogger log)
    {
        _options = options;
        _protocol = protocol;
        _transport = new BackendTransport(options.Transport, trust, metrics, time, log);
        _readAnswer = ReadAnswerAsync;
        _deadLetters = deadLetters;
        _metrics = metrics;
        _time = time;
        _log = log;
        _items = new ShipItems(options.MaxBatchBytes + (64 * 1024));
        _sending = new ShipItems(options.MaxBatchBytes + (64 * 1024));
    }

    public string Name => _options.Name;

    public TimeSpan FlushInterval => _options.FlushInterval;

    public bool HasPending => _items.Count > 0;

    public bool Fits(PreparedRecord record) =>
        _items.Count < _options.MaxBatchRecords && _items.ByteCount + _protocol.WorstCaseBytes(record) <= _options.MaxBatchBytes;

    public void Append(PreparedRecord record)
    {
        if (_items.Count == 0)
        {
            _oldestAppend = _time.GetTimestamp();
        }

        _protocol.Encode(record, _items);
        _metrics.Appended();
    }

    public Task FlushAsync(CancellationToken abort)
    {
        // The loop waits for this flush before the next one, so the other item set is free again by then;
        // everything below works on the set being sent, while appends fill the other.
        (_items, _sending) = (_sending, _items);
        return SendAllAsync(_oldestAppend, abort);
    }

    private async Task SendAllAsync(long oldestAppend, CancellationToken abort)
    {
        _unsettled.Clear();
        for (var i = 0; i < _sending.Count; i++)
        {
            _unsettled.Add(i);
        }

        // Items per request: halved when the backend says a request is too large, so big batches still get through.
        var window = _unsettled.Count;
        var attempt = 0;
        while (_unsettled.Count > 0)
        {
            _request.Clear();
            _request.AddRange(_unsettled.Take(window));
            var outcome = await SendAsync(abort);
            if (outcome.TooLarge)
            {
                if (_request.Count > 1)
                {
                    window = _request.Count / 2;
                    Log.Splitting(_log, Name, _request.Count, window);
                    continue;
                }

                _verdicts.Set(_request[0], ItemVerdict.Rejected, "status_413", "413: this one record is larger than the backend accepts in a request; raise the backend's limit (Elasticsearch http.max_content_length, Loki grpc_server_max_recv_msg_size)");
            }

            if (outcome.Unattributed is { } rejected)
            {
                _metrics.DeadLettered(rejected.Label, rejected.Records);
                _deadLetters.WriteUnattributed(Name, rejected, _sending, _request);
            }

            var again = Settle(oldestAppend);
            _unsettled.RemoveRange(0, _request.Count);
            _unsettled.InsertRange(0, _again);
            if (again == 0)
            {
                attempt = 0;
                continue;
            }

            var reason = outcome.RetryReason ?? "unknown";
            _metrics.Retried(reason, again);
            var delay = new RetrySchedule(_options.RetryInitial, _options.RetryMax).Delay(attempt, outcome.RetryAfter, Random.Shared.NextDouble());
            Log.Retrying(_log, Name, again, reason, delay.TotalSeconds, ++attempt);
            await Task.Delay(delay, _time, abort);
        }

        _sending.Clear();
    }

    public void Dispose()
    {
        _transport.Dispose();
    }

    /// <summary>Sends the selected items once and sets their verdicts; a transport failure marks them all for retry.</summary>
    private async Task<SendOutcome> SendAsync(CancellationToken abort)
    {
        _verdicts.Reset(_sending.Count);
        _body.ResetWrittenCount();
        _protocol.WriteBody(_sending, _request, _body);
        var result = await _transport.PostAsync(_protocol.Target, _protocol.ContentType, _body.WrittenMemory, _readAnswer, abort);
        if (result.Failure is { } failure)
        {
            _verdicts.SetAll(_request, ItemVerdict.Retry);
            return new SendOutcome(failure, null);
        }

        return result.Answer;
    }

    /// <summary>A 413 is about the request, not its records: none of them was looked at.</summary>
    private Task<SendOutcome> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.StatusCode == System.Net.HttpStatusCode.RequestEntityTooLarge
            ? Task.FromResult(new SendOutcome(ResponseClassifier.Label(response.StatusCode), null) { TooLarge = true })
            : _protocol.ReadResponseAsync(response, _sending, _request, _verdicts, cancellationToken);

    /// <summary>Counts the delivered, dead-letters the refused and keeps the rest (in <c>_again</c>) for the next attempt; returns how many.</summary>
    private int Settle(long oldestAppend)
    {
        _again.Clear();
        var delivered = 0;
        foreach (var index in _request)
        {
            switch (_verdicts[index])
            {
                case ItemVerdict.Delivered:
                    delivered++;
                    break;
                case ItemVerdict.Rejected:
                    var label = _verdicts.Label(index) ?? "rejected";
                    _metrics.Settled(1);
                    _metrics.DeadLettered(label);
                    _deadLetters.Write(Name, _verdicts.Detail(index) ?? label, _sending, _sending[index], _protocol);
                    break;
                default:
                    _again.Add(index);
                    break;
            }
        }

        // The backlog goes down before the counts go up, so a scrape that sees every record settled sees none waiting.
        if (delivered > 0)
        {
            _metrics.Settled(delivered);
            _metrics.Delivered(delivered, _time.GetElapsedTime(oldestAppend));
        }

        return _again.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Sink {Sink}: {Records} record(s) not delivered ({Reason}); retry {Attempt} in {Seconds:0.0} s. Reading pauses until they are delivered")]
        public static partial void Retrying(ILogger logger, string sink, int records, string reason, double seconds, int attempt);

        [LoggerMessage(EventId = 74, Level = LogLevel.Warning, Message = "Sink {Sink}: the backend refused a request of {Records} record(s) as too large (413); sending at most {Window} per request. Lower maxBatchBytes to avoid this")]
        public static partial void Splitting(ILogger logger, string sink, int records, int window);
    }
}
