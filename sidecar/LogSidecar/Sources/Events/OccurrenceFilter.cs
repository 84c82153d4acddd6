namespace LogSidecar.Sources.Events;

/// <summary>
/// Tells a new occurrence from a change that repeats one: an Event is one object whose count rises as the thing
/// happens again, so an update is shipped only when its count is above the count last seen for that uid
/// (other updates, such as a new message or annotation, are not a new occurrence). Holds one number per live
/// event: a deleted event (its one-hour TTL) is forgotten, and a relist keeps only the listed ones.
/// </summary>
internal sealed class OccurrenceFilter
{
    private Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public int Count => _counts.Count;

    /// <summary>True when <paramref name="occurrence"/> is new; it is remembered either way.</summary>
    public bool IsNew(EventOccurrence occurrence)
    {
        if (_counts.TryGetValue(occurrence.Uid, out var seen) && occurrence.Count <= seen)
        {
            return false;
        }

        _counts[occurrence.Uid] = occurrence.Count;
        return true;
    }

    public void Forget(string uid) => _counts.Remove(uid);

    /// <summary>Starts a relist: what the list holds replaces what was known, so events deleted meanwhile are forgotten.</summary>
    public RelistScope BeginRelist() => new(this);

    internal sealed class RelistScope(OccurrenceFilter filter)
    {
        private readonly Dictionary<string, long> _listed = new(StringComparer.Ordinal);

        /// <summary>True when the listed occurrence was not seen before (not in the old counts, or with a higher count).</summary>
        public bool IsNew(EventOccurrence occurrence)
        {
            _listed[occurrence.Uid] = occurrence.Count;
            return !filter._counts.TryGetValue(occurrence.Uid, out var seen) || occurrence.Count > seen;
        }

        public void Complete() => filter._counts = _listed;
    }
}
