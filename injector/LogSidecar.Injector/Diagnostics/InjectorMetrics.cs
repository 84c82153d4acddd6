using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LogSidecar.Injector.Diagnostics;

/// <summary>
/// Request counters by webhook, result and skip reason, a latency histogram, gauges and the count of
/// plain-HTTP connections, in the Prometheus text format. The label is <c>webhook</c>, not
/// <c>endpoint</c>: the Prometheus Operator gives every target an <c>endpoint</c> label (the port
/// name), which would rename ours <c>exported_endpoint</c>. Counters are lock-free
/// (<see cref="Interlocked"/>); a scrape may see one request's count before its latency, which
/// Prometheus tolerates.
/// </summary>
internal sealed class InjectorMetrics
{
    // Up to the webhook's timeoutSeconds (5 s in the manifests): a slow answer shows how slow, not just "over 1 s".
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly ConcurrentDictionary<(string Webhook, string Result, string Reason), long[]> _requests = new();
    private readonly long[] _bucketCounts = new long[Buckets.Length];
    private readonly ConcurrentDictionary<string, (string Help, Func<long> Read)> _gauges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Help, Func<long> Read)> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Help, string Label, Func<IEnumerable<KeyValuePair<string, long>>> Read)> _labelledGauges = new(StringComparer.Ordinal);
    private long _latencyCount;
    private long _latencySumMicros;
    private long _plainHttp;

    /// <summary>A value read at each scrape, such as the requests being answered.</summary>
    public void AddGauge(string name, string help, Func<long> read) => _gauges[name] = (help, read);

    /// <summary>A gauge with one series per value of <paramref name="label"/> (such as pods missing their sidecar by namespace), read at each scrape.</summary>
    public void AddLabelledGauge(string name, string help, string label, Func<IEnumerable<KeyValuePair<string, long>>> read) => _labelledGauges[name] = (help, label, read);

    /// <summary>A count kept by another component (such as the namespace cache's relists), read at each scrape.</summary>
    public void AddCounter(string name, string help, Func<long> read) => _counters[name] = (help, read);

    /// <summary>A connection to the HTTPS port that spoke plain HTTP (answered with a 400 that says so).</summary>
    public void PlainHttp() => Interlocked.Increment(ref _plainHttp);

    public long PlainHttpConnections => Interlocked.Read(ref _plainHttp);

    public void Record(string webhook, string result, string reason, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _requests.GetOrAdd((webhook, result, reason), _ => new long[1])[0]);
        var seconds = elapsed.TotalSeconds;
        for (var i = 0; i < Buckets.Length; i++)
        {
            if (seconds <= Buckets[i])
            {
                Interlocked.Increment(ref _bucketCounts[i]);
            }
        }

        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencySumMicros, (long)(elapsed.Ticks / 10.0));
    }

    /// <summary>How many requests were counted with these labels (for tests and the benchmark).</summary>
    public long Count(string webhook, string result, string reason) =>
        _requests.TryGetValue((webhook, result, reason), out var counter) ? Interlocked.Read(ref counter[0]) : 0;

    public string Render()
    {
        var text = new StringBuilder();
        text.Append("# HELP logsidecar_injector_requests_total Admission requests by webhook, result and skip reason.\n");
        text.Append("# TYPE logsidecar_injector_requests_total counter\n");
        foreach (var ((webhook, result, reason), counter) in _requests.OrderBy(p => p.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_requests_total{{webhook=\"{webhook}\",result=\"{result}\",reason=\"{reason}\"}} {Interlocked.Read(ref counter[0])}\n");
        }

        text.Append("# HELP logsidecar_injector_request_duration_seconds Time to answer an admission request.\n");
        text.Append("# TYPE logsidecar_injector_request_duration_seconds histogram\n");
        for (var i = 0; i < Buckets.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_request_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {Interlocked.Read(ref _bucketCounts[i])}\n");
        }

        var count = Interlocked.Read(ref _latencyCount);
        text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n");
        text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_request_duration_seconds_sum {Interlocked.Read(ref _latencySumMicros) / 1e6}\n");
        text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_request_duration_seconds_count {count}\n");
        text.Append("# HELP logsidecar_injector_plain_http_connections_total Connections to the HTTPS port that sent plain HTTP.\n");
        text.Append("# TYPE logsidecar_injector_plain_http_connections_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"logsidecar_injector_plain_http_connections_total {PlainHttpConnections}\n");
        foreach (var (name, (help, read)) in _counters.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {read()}\n");
        }

        foreach (var (name, (help, read)) in _gauges.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {read()}\n");
        }

        foreach (var (name, (help, label, read)) in _labelledGauges.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n");
            foreach (var (value, amount) in read().OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // Label values here are Kubernetes names (DNS labels), which need no escaping.
                text.Append(CultureInfo.InvariantCulture, $"{name}{{{label}=\"{value}\"}} {amount}\n");
            }
        }

        return text.ToString();
    }
}
