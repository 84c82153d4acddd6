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
}
