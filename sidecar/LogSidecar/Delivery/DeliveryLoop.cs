using System.Threading.Channels;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;

namespace LogSidecar.Delivery;

/// <summary>
/// The single consumer of the record channel: prepares each record once (<see cref="RecordPreparer"/>:
/// valid UTF-8, parsed) and hands it to the sinks of its stream, and
/// flushes a sink when its request is full, when the input runs dry (stdout) or when its flush
/// interval has passed (backends). Each sink has at most one flush in flight: the next request is
/// built meanwhile, and a sink that must flush again first waits for the previous one, so a slow or
/// failing backend stops the loop and the channel fills and the readers wait (the files are the
/// buffer). Each file's batches are acknowledged in arrival order once every flush holding their
/// records completed, so a checkpoint never passes an undelivered record.
/// </summary>
internal sealed class DeliveryLoop
{
    private readonly ChannelReader<LineBatch> _input;
    private readonly Dictionary<string, SinkSlot[]> _routes;
    private readonly SinkSlot[] _slots;
    private readonly RecordPreparer _preparer;
    private readonly TimeProvider _time;

    // Each file's batches in arrival order; only a delivered head is acknowledged, so a checkpoint
    // only moves forward, and a file waiting on a slow sink never holds back another file's.
    private readonly Dictionary<TrackedFile, Queue<BatchAck>> _unacknowledged = [];

    // The wait for input outlives the waits for flushes and timers beside it: cancelled each time a
    // flush completed first, as it was, the channel made an exception with its stack trace as text
    // for every such flush.
    private Task<bool>? _inputWait;

    /// <param name="input">Batches from the tailers.</param>
    /// <param name="routes">The sinks of each stream, by stream name.</param>
    /// <param name="preparer">Makes each record what the sinks read, once for all of them.</param>
    /// <param name="time">Clock for flush intervals and acknowledgement times.</param>
    public DeliveryLoop(ChannelReader<LineBatch> input, IReadOnlyDictionary<string, ISink[]> routes, RecordPreparer preparer, TimeProvider time)
    {
        _input = input;
        _preparer = preparer;
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
            await FlushDueAsync(abort);
        }

        foreach (var slot in _slots)
        {
            if (slot.Sink.HasPending)
            {
                await FlushAsync(slot, abort);
            }
        }

        foreach (var slot in _slots)
        {
            await CompleteInFlightAsync(slot);
        }
    }

    /// <summary>
    /// True when there is input; false when the channel completed. Meanwhile acknowledges flushes as
    /// they complete and starts those of sinks whose interval has passed.
    /// </summary>
    private async Task<bool> WaitForInputAsync(CancellationToken abort)
    {
        var wake = new List<Task>(_slots.Length + 2);
        while (true)
        {
            wake.Clear();
            var due = long.MaxValue;
            foreach (var slot in _slots)
            {
                if (slot.InFlight.IsCompleted)
                {
                    await CompleteInFlightAsync(slot);
                }
                else
                {
                    wake.Add(slot.InFlight);
                }

                if (slot.Sink.HasPending)
                {
                    due = Math.Min(due, Due(slot));
                }
            }

            var input = _inputWait ??= _input.WaitToReadAsync(abort).AsTask();
            if (wake.Count == 0 && due == long.MaxValue)
            {
                _inputWait = null;
                return await input;
            }

            wake.Add(input);
            using var timer = due == long.MaxValue ? null : CancellationTokenSource.CreateLinkedTokenSource(abort);
            if (timer is not null)
            {
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
                wake.Add(wait > TimeSpan.Zero ? Task.Delay(wait, _time, timer.Token) : Task.CompletedTask);
            }

            if (await Task.WhenAny(wake) == input)
            {
                _inputWait = null;
                return await input;
            }

            // A flush completed or a sink fell due: act, then wait again, for the same input as before.
            if (timer is not null)
            {
                await timer.CancelAsync();
            }

            abort.ThrowIfCancellationRequested();
            await FlushDueAsync(abort);
        }
    }

    private async Task FlushDueAsync(CancellationToken abort)
    {
        foreach (var slot in _slots)
        {
            if (slot.Sink.HasPending && Due(slot) <= _time.GetTimestamp())
            {
                await FlushAsync(slot, abort);
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
            var slots = _routes[batch.File.Stream];
            for (var i = 0; i < batch.Count && slots.Length > 0; i++)
            {
                // Prepared once, read by every sink of the stream; it stays valid while they flush (nothing else prepares meanwhile).
                var record = _preparer.Prepare(batch, batch.Records[i]);
                foreach (var slot in slots)
                {
                    if (slot.Sink.HasPending && !slot.Sink.Fits(record))
                    {
                        await FlushAsync(slot, abort);
                    }

                    if (!slot.Sink.HasPending)
                    {
                        slot.PendingSince = _time.GetTimestamp();
                    }

                    slot.Hold(ack);
                    slot.Sink.Append(record);
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

    /// <summary>Waits for the sink's previous flush, then starts sending what is pending without waiting for it.</summary>
    private async Task FlushAsync(SinkSlot slot, CancellationToken abort)
    {
        await CompleteInFlightAsync(slot);
        slot.Send(slot.Sink.FlushAsync(abort));
    }

    /// <summary>Waits for the sink's flush in flight (rethrowing its failure) and acknowledges what it delivered.</summary>
    private async Task CompleteInFlightAsync(SinkSlot slot)
    {
        await slot.InFlight;
        foreach (var ack in slot.Sent)
        {
            ack.Holders--;
        }

        foreach (var ack in slot.Sent)
        {
            AcknowledgeDelivered(ack.File);
        }

        slot.Sent.Clear();
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
