namespace LogSidecar.Sinks;

/// <summary>A sink with the batches its pending records came from and when the oldest of them was appended.</summary>
internal sealed class SinkSlot(ISink sink)
{
    public ISink Sink { get; } = sink;

    public List<BatchAck> Held { get; } = [];

    public long PendingSince { get; set; }

    /// <summary>Adds the batch once, however many of its records the pending request takes.</summary>
    public void Hold(BatchAck ack)
    {
        if (Held.Count == 0 || !ReferenceEquals(Held[^1], ack))
        {
            Held.Add(ack);
            ack.Holders++;
        }
    }
}
