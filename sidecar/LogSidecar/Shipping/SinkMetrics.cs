using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LogSidecar.Diagnostics;

namespace LogSidecar.Shipping;

/// <summary>
/// One sink's counters: records and bytes delivered, requests, retries and dead letters by reason,
/// delivery latency (sum and count) and the records waiting. Reasons are short labels from a
/// bounded set (status codes, backend error types), never free text; a backend names its error
/// types, so they are escaped like every label value.
/// </summary>
internal sealed class SinkMetrics(string sink)
{
    private readonly ConcurrentDictionary<string, long> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deadLettered = new(StringComparer.Ordinal);
    private long _records;
    private long _bytes;
    private long _requests;
    private long _latencyMicros;
    private long _latencyCount;
    private long _backlog;

    public string Sink { get; } = sink;

    public long RecordsDelivered => Interlocked.Read(ref _records);

    public long DeadLetteredTotal => _deadLettered.Values.Sum();

    public void Requested(long wireBytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, wireBytes);
    }

    public void Delivered(int records, TimeSpan latency)
    {
        Interlocked.Add(ref _records, records);
        Interlocked.Add(ref _latencyMicros, (long)latency.TotalMicroseconds);
        Interlocked.Increment(ref _latencyCount);
    }

    public void Retried(string reason, int records) => _retries.AddOrUpdate(reason, records, (_, count) => count + records);

    public void DeadLettered(string reason, int records = 1) => _deadLettered.AddOrUpdate(reason, static (_, n) => n, static (_, count, n) => count + n, records);

    /// <summary>A record was appended: it waits until <see cref="Settled"/>.</summary>
    public void Appended() => Interlocked.Increment(ref _backlog);

    /// <summary>Records were delivered or dead-lettered: they no longer wait.</summary>
    public void Settled(int records) => Interlocked.Add(ref _backlog, -records);

    /// <summary>Every sink's series, one metric family after another as the text format wants.</summary>
    public static void Render(StringBuilder text, IReadOnlyList<SinkMetrics> sinks)
    {
        Family(text, sinks, "logsidecar_sink_records_delivered_total", "counter", "Records the backend accepted.", (m, t, n) => Line(t, n, m.Label, m.RecordsDelivered));
        Family(text, sinks, "logsidecar_sink_bytes_sent_total", "counter", "Request body bytes sent, after compression, retries included.", (m, t, n) => Line(t, n, m.Label, Interlocked.Read(ref m._bytes)));
        Family(text, sinks, "logsidecar_sink_requests_total", "counter", "Requests sent, retries included.", (m, t, n) => Line(t, n, m.Label, Interlocked.Read(ref m._requests)));
        Family(text, sinks, "logsidecar_sink_records_retried_total", "counter", "Records sent again, by reason.", (m, t, n) => Reasons(t, n, m.Label, m._retries));
        Family(text, sinks, "logsidecar_sink_records_dead_lettered_total", "counter", "Records the backend refused for good, written to stderr, by reason.", (m, t, n) => Reasons(t, n, m.Label, m._deadLettered));
        Family(text, sinks, "logsidecar_sink_delivery_seconds", "summary", "Time from a record's append to its request's acceptance.", (m, t, n) =>
        {
            t.Append(CultureInfo.InvariantCulture, $"{n}_sum{{{m.Label}}} {Interlocked.Read(ref m._latencyMicros) / 1e6}\n");
            Line(t, $"{n}_count", m.Label, Interlocked.Read(ref m._latencyCount));
        });
        Family(text, sinks, "logsidecar_sink_backlog_records", "gauge", "Records appended to the sink and not yet delivered or dead-lettered.", (m, t, n) => Line(t, n, m.Label, Interlocked.Read(ref m._backlog)));
    }

    private string Label => $"sink=\"{PrometheusText.Label(Sink)}\"";

    private static void Family(StringBuilder text, IReadOnlyList<SinkMetrics> sinks, string name, string type, string help, Action<SinkMetrics, StringBuilder, string> write)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var sink in sinks)
        {
            write(sink, text, name);
        }
    }

    private static void Reasons(StringBuilder text, string name, string labels, ConcurrentDictionary<string, long> counts)
    {
        foreach (var (reason, count) in counts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Line(text, name, $"{labels},reason=\"{PrometheusText.Label(reason)}\"", count);
        }
    }

    private static void Line(StringBuilder text, string name, string labels, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");
}
