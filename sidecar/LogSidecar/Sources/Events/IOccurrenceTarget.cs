namespace LogSidecar.Sources.Events;

/// <summary>Where a watch hands what it finds, in the order the API sent it.</summary>
internal interface IOccurrenceTarget
{
    /// <summary>Delivers one occurrence; waits while the pipeline is full (the watch is not read meanwhile).</summary>
    ValueTask ShipAsync(EventOccurrence occurrence, CancellationToken cancellationToken);

    /// <summary>Every change up to <paramref name="resourceVersion"/> has been handed over (shipped or known not to be an occurrence).</summary>
    void Progress(string resourceVersion);
}
