namespace LogSidecar.Delivery;

/// <summary>
/// A sink with the batches its pending records came from (<see cref="Held"/>), its flush in flight
/// and the batches that flush carries (<see cref="Sent"/>), and when the oldest pending record was appended.
/// </summary>
internal sealed class SinkSlot(ISink sink)
{
    private List<BatchAck> _held = [];
    private List<BatchAck> _sent = [];

    public ISink Sink { get; } = sink;

    public List<BatchAck> Held => _held;

    public List<BatchAck> Sent => _sent;

    public Task InFlight { get; private set; } = Task.CompletedTask;

    public long PendingSince { get; set; }

    /// <summary>Adds the batch once, however many of its records the pending request takes.</summary>
    public void Hold(BatchAck ack)
    {
        if (_held.Count == 0 || !ReferenceEquals(_held[^1], ack))
        {
            _held.Add(ack);
            ack.Holders++;
        }
    }

    /// <summary>The pending records went out as <paramref name="flush"/>; the previous flush must have completed.</summary>
    public void Send(Task flush)
    {
        (_held, _sent) = (_sent, _held);
        InFlight = flush;
    }
}
