using System.Threading.Channels;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;

namespace LogSidecar.Sinks;

/// <summary>
/// The single consumer of the record channel: hands each record to the sinks of its stream, flushes
/// a sink when its request is full, when the input runs dry (stdout) or when its flush interval has
/// passed (backends), and acknowledges each file's batches in the order they arrived once every sink holding
/// their records has flushed, so a checkpoint never passes an undelivered record. While a sink
/// flushes (and retries), nothing is read: the channel fills and the readers wait.
/// </summary>
internal sealed class DeliveryLoop
{
    private readonly ChannelReader<LineBatch> _input;
    private readonly Dictionary<string, SinkSlot[]> _routes;
    private readonly SinkSlot[] _slots;
    private readonly TimeProvider _time;

    // Each file's batches in arrival order; only a delivered head is acknowledged, so a checkpoint
    // only moves forward, and a file waiting on a slow sink never holds back another file's.
    private readonly Dictionary<TrackedFile, Queue<BatchAck>> _unacknowledged = [];

    /// <param name="input">Batches from the tailers.</param>
    /// <param name="routes">The sinks of each stream, by stream name.</param>
    /// <param name="time">Clock for flush intervals and acknowledgement times.</param>
    public DeliveryLoop(ChannelReader<LineBatch> input, IReadOnlyDictionary<string, ISink[]> routes, TimeProvider time)
    {
        _input = input;
        _time = time;
        var slots = routes.Values.SelectMany(sinks => sinks).Distinct().ToDictionary(sink => sink, sink => new SinkSlot(sink));
        _slots = [.. slots.Values];
        _routes = routes.ToDictionary(route => route.Key, route => route.Value.Select(sink => slots[sink]).ToArray(), StringComparer.Ordinal);
    }

    public async Task RunAsync(CancellationToken abort)
    {
        while (await WaitForInputAsync(abort))
        {
            while (_input.TryRead(out var batch))
            {
                await RouteAsync(batch, abort);
            }

            // The input ran dry: send what is due rather than wait for more.
            foreach (var slot in _slots)
            {
                if (slot.Sink.HasPending && Due(slot) <= _time.GetTimestamp())
                {
                    await FlushAsync(slot, abort);
                }
            }
        }

        foreach (var slot in _slots)
        {
            if (slot.Sink.HasPending)
            {
                await FlushAsync(slot, abort);
            }
        }
    }

    /// <summary>True when there is input; false when the channel completed. Wakes early when a pending sink falls due.</summary>
    private async Task<bool> WaitForInputAsync(CancellationToken abort)
    {
        while (true)
        {
            var due = long.MaxValue;
            foreach (var slot in _slots)
            {
                if (slot.Sink.HasPending)
                {
                    due = Math.Min(due, Due(slot));
                }
            }

            if (due == long.MaxValue)
            {
                return await _input.WaitToReadAsync(abort);
            }

            var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                using var timeout = new CancellationTokenSource(wait, _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
                try
                {
                    return await _input.WaitToReadAsync(either.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
                {
                    // A sink fell due: flush it below, then wait again.
                }
            }

            foreach (var slot in _slots)
            {
                if (slot.Sink.HasPending && Due(slot) <= _time.GetTimestamp())
                {
                    await FlushAsync(slot, abort);
                }
            }
        }
    }

    private long Due(SinkSlot slot) =>
        slot.PendingSince + (long)(slot.Sink.FlushInterval.TotalSeconds * _time.TimestampFrequency);

    private async Task RouteAsync(LineBatch batch, CancellationToken abort)
    {
        var ack = new BatchAck(batch);
        if (!_unacknowledged.TryGetValue(batch.File, out var queue))
        {
            queue = new Queue<BatchAck>();
            _unacknowledged[batch.File] = queue;
        }

        queue.Enqueue(ack);
        try
        {
            foreach (var slot in _routes[batch.File.Stream])
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var record = batch.Records[i];
                    if (slot.Sink.HasPending && !slot.Sink.Fits(batch, record))
                    {
                        await FlushAsync(slot, abort);
                    }

                    if (!slot.Sink.HasPending)
                    {
                        slot.PendingSince = _time.GetTimestamp();
                    }

                    slot.Hold(ack);
                    slot.Sink.Append(batch, batch.Records[i]);
                }
            }
        }
        finally
        {
            batch.Release();
        }

        // Every record is in some sink's request (or there were none): only those requests hold it now.
        ack.Holders--;
        AcknowledgeDelivered(ack.File);
    }

    private async Task FlushAsync(SinkSlot slot, CancellationToken abort)
    {
        await slot.Sink.FlushAsync(abort);
        foreach (var ack in slot.Held)
        {
            ack.Holders--;
        }

        foreach (var ack in slot.Held)
        {
            AcknowledgeDelivered(ack.File);
        }

        slot.Held.Clear();
    }

    private void AcknowledgeDelivered(TrackedFile file)
    {
        if (!_unacknowledged.TryGetValue(file, out var queue))
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        while (queue.TryPeek(out var head) && head.Holders == 0)
        {
            queue.Dequeue().Acknowledge(now);
        }

        if (queue.Count == 0)
        {
            _unacknowledged.Remove(file);
        }
    }
}
