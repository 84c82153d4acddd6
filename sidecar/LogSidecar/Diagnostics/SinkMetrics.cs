using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LogSidecar.Diagnostics;

/// <summary>
/// One sink's counters: records and bytes delivered, requests, retries and dead letters by reason,
/// a delivery latency histogram and the records waiting. Reasons are short labels (status codes,
/// backend error types), never free text; as a backend names its own error types, each reason is
/// reduced to a safe label and the number of distinct reasons is capped.
/// </summary>
internal sealed class SinkMetrics(string sink)
{
    // Upper bounds in seconds: a healthy backend takes the flush interval (1 s by default) plus a request;
    // an outage holds the oldest record back for as long as it lasts. A histogram, not a summary, so
    // quantiles can be taken across pods.
    private const int MaxReasons = 32;
    private const int MaxReasonLength = 64;
    private const string OtherReason = "other";

    private static readonly double[] DeliveryBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly ConcurrentDictionary<string, long> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deadLettered = new(StringComparer.Ordinal);
    private long _records;
    private long _bytes;
    private long _requests;
    // Per bucket, not cumulative (one increment per delivery); the last one is above every bound.
    private readonly long[] _deliveries = new long[DeliveryBounds.Length + 1];
    private long _latencyMicros;
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
        var bucket = Array.FindIndex(DeliveryBounds, bound => latency.TotalSeconds <= bound);
        Interlocked.Increment(ref _deliveries[bucket < 0 ? DeliveryBounds.Length : bucket]);
    }

    public void Retried(string reason, int records) => Count(_retries, reason, records);

    public void DeadLettered(string reason, int records = 1) => Count(_deadLettered, reason, records);

    /// <summary>
    /// Lower-case letters, digits and '_' (anything else becomes '_'), at most 64 characters: whatever
    /// a backend calls its error, the label cannot break the text format or grow without end.
    /// </summary>
    public static string ReasonLabel(string reason)
    {
        if (reason.Length is > 0 and <= MaxReasonLength && reason.All(IsLabelCharacter))
        {
            return reason;
        }

        if (reason.Length == 0)
        {
            return "unknown";
        }

        return string.Create(Math.Min(reason.Length, MaxReasonLength), reason, static (label, reason) =>
        {
            for (var i = 0; i < label.Length; i++)
            {
                var c = char.ToLowerInvariant(reason[i]);
                label[i] = IsLabelCharacter(c) ? c : '_';
            }
        });
    }

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
        Family(text, sinks, "logsidecar_sink_delivery_seconds", "histogram", "Time from the oldest record of a request reaching the sink to the backend accepting the request.", (m, t, n) => m.RenderDeliveries(t, n));
        Family(text, sinks, "logsidecar_sink_backlog_records", "gauge", "Records appended to the sink and not yet delivered or dead-lettered.", (m, t, n) => Line(t, n, m.Label, Interlocked.Read(ref m._backlog)));
    }

    private string Label => $"sink=\"{PrometheusText.Label(Sink)}\"";

    private void RenderDeliveries(StringBuilder text, string name)
    {
        long cumulative = 0;
        for (var i = 0; i < DeliveryBounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _deliveries[i]);
            Line(text, $"{name}_bucket", string.Create(CultureInfo.InvariantCulture, $"{Label},le=\"{DeliveryBounds[i]}\""), cumulative);
        }

        // Count and +Inf from the same reads as the buckets, so a scrape is always consistent.
        cumulative += Interlocked.Read(ref _deliveries[^1]);
        Line(text, $"{name}_bucket", $"{Label},le=\"+Inf\"", cumulative);
        text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{Label}}} {Interlocked.Read(ref _latencyMicros) / 1e6}\n");
        Line(text, $"{name}_count", Label, cumulative);
    }

    private static void Family(StringBuilder text, IReadOnlyList<SinkMetrics> sinks, string name, string type, string help, Action<SinkMetrics, StringBuilder, string> write)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var sink in sinks)
        {
            write(sink, text, name);
        }
    }

    private static void Count(ConcurrentDictionary<string, long> counts, string reason, int records)
    {
        var label = ReasonLabel(reason);
        if (!counts.ContainsKey(label) && counts.Count >= MaxReasons)
        {
            label = OtherReason;
        }

        counts.AddOrUpdate(label, static (_, n) => n, static (_, count, n) => count + n, records);
    }

    private static bool IsLabelCharacter(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_';

    private static void Reasons(StringBuilder text, string name, string labels, ConcurrentDictionary<string, long> counts)
    {
        foreach (var (reason, count) in counts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Line(text, name, $"{labels},reason=\"{reason}\"", count);
        }
    }

    private static void Line(StringBuilder text, string name, string labels, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value}\n");
}
