using System.Threading.Channels;
using LogSidecar.Pipeline;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Hands one scope's occurrences to the delivery core as batches of the events stream, and learns from the
/// core's acknowledgements how far delivery has come: each batch's end "offset" is a sequence number, and the
/// core acknowledges a source's batches in order, as it does a file's. The resourceVersions the watch reports
/// wait in order with the sequence number they follow; once that number is delivered, the resourceVersion is
/// the new checkpoint. Every record has offset 0 on a source with no device or inode, so its id is the hash of
/// its bytes, which name the event's uid and count: the same occurrence shipped again has the same id.
/// </summary>
internal sealed class EventsFeed(ChannelWriter<LineBatch> output, string stream, string? @namespace, EventsMetrics metrics, TimeProvider time) : IOccurrenceTarget
{
    private static readonly FileIdentity NoFile = new(0, 0, 0, 0);

    // Progress marks in watch order; the watch adds, the checkpoint loop takes delivered ones. Guards _marks.
    private readonly Lock _lock = new();
    private readonly LinkedList<(long Sequence, EventsCheckpoint Checkpoint)> _marks = new();
    private long _sequence;

    /// <summary>What the delivery core acknowledges; named for messages and metrics.</summary>
    public TrackedFile Source { get; } = new(@namespace is null ? "kubernetes-events" : $"kubernetes-events/{@namespace}", stream);

    /// <summary>Records handed to the core and not yet acknowledged.</summary>
    public long Pending => Interlocked.Read(ref _sequence) - (Source.Acknowledged?.Offset ?? 0);

    public async ValueTask ShipAsync(EventOccurrence occurrence, CancellationToken cancellationToken)
    {
        var batch = new LineBatch(Source, occurrence.Record.Length, time.GetUtcNow());
        occurrence.Record.CopyTo(batch.Buffer, 0);
        batch.Add(new LineRecord(0, occurrence.Record.Length, FileOffset: 0, RecordFlags.None));
        batch.Identity = NoFile;
        batch.EndOffset = Interlocked.Increment(ref _sequence);
        try
        {
            await output.WriteAsync(batch, cancellationToken);
        }
        catch
        {
            batch.Release();
            throw;
        }

        metrics.ShippedOne();
    }

    public void Progress(string resourceVersion)
    {
        lock (_lock)
        {
            var sequence = Interlocked.Read(ref _sequence);
            var mark = new EventsCheckpoint(resourceVersion, time.GetUtcNow());

            // One mark per sequence number is enough: a later resourceVersion with nothing shipped between replaces it.
            if (_marks.Last is { } last && last.Value.Sequence == sequence)
            {
                last.Value = (sequence, mark);
            }
            else
            {
                _marks.AddLast((sequence, mark));
            }
        }
    }

    /// <summary>The latest checkpoint whose records are all delivered, once per new one; null when none is new.</summary>
    public EventsCheckpoint? TakeDelivered()
    {
        var delivered = Source.Acknowledged?.Offset ?? 0;
        EventsCheckpoint? latest = null;
        lock (_lock)
        {
            while (_marks.First is { } first && first.Value.Sequence <= delivered)
            {
                latest = first.Value.Checkpoint;
                _marks.RemoveFirst();
            }
        }

        return latest;
    }
}
