using System.Globalization;
using System.Text;
using LogSidecar.Diagnostics;

namespace LogSidecar.Sources.Events;

/// <summary>Counters of the Kubernetes Events source, rendered on /metrics.</summary>
internal sealed class EventsMetrics
{
    private long _shipped;
    private long _relists;
    private long _watchErrors;
    private long _checkpoints;

    public long Shipped => Interlocked.Read(ref _shipped);

    public long Relists => Interlocked.Read(ref _relists);

    public long WatchErrors => Interlocked.Read(ref _watchErrors);

    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    public void ShippedOne() => Interlocked.Increment(ref _shipped);

    public void Relisted() => Interlocked.Increment(ref _relists);

    public void WatchFailed() => Interlocked.Increment(ref _watchErrors);

    public void CheckpointMoved() => Interlocked.Increment(ref _checkpoints);

    /// <summary>The families, with leadership and the records awaiting delivery read now.</summary>
    public void Render(StringBuilder text, bool leader, long pending)
    {
        SidecarMetrics.Counter(text, "logsidecar_events_shipped_total", "Kubernetes Event occurrences handed to the delivery core (a new event, or an update that raised its count).", Shipped);
        SidecarMetrics.Counter(text, "logsidecar_events_relists_total", "Lists of events after a watch answered 410 Gone (its resourceVersion was compacted away).", Relists);
        SidecarMetrics.Counter(text, "logsidecar_events_watch_errors_total", "Failed lists and watches of events (each followed by a backoff).", WatchErrors);
        SidecarMetrics.Counter(text, "logsidecar_events_checkpoints_total", "Times the delivered resourceVersion moved on (written to the Lease with its next renewal).", Checkpoints);
        text.Append(CultureInfo.InvariantCulture, $"# HELP logsidecar_events_leader 1 while this replica ships events (holds the Lease, or runs without one), else 0.\n# TYPE logsidecar_events_leader gauge\nlogsidecar_events_leader {(leader ? 1 : 0)}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP logsidecar_events_pending Event records handed to the delivery core and not yet delivered.\n# TYPE logsidecar_events_pending gauge\nlogsidecar_events_pending {pending}\n");
    }
}
