namespace LogSidecar.Sources.Events;

/// <summary>
/// One occurrence of a Kubernetes Event: the event's uid and count (a repeated event is one object whose count
/// rises), when it last happened, the resourceVersion of the change that carried it, and the record to deliver
/// (one JSON line, no newline).
/// </summary>
internal sealed record EventOccurrence(string Uid, long Count, DateTimeOffset LastSeen, string ResourceVersion, byte[] Record)
{
    /// <summary>The record's id for backends that deduplicate: the same occurrence shipped twice (a restart, a handover) has the same id.</summary>
    public string RecordId => $"{Uid}-{Count}";
}
