using System.IO.Hashing;
using System.Text;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Tells a new occurrence from a change that repeats one: an Event is one object whose count rises as the thing
/// happens again, so an update is shipped only when its count is above the count last seen for that uid
/// (other updates, such as a new message or annotation, are not a new occurrence). Holds one number per live
/// event, keyed by a 64-bit hash of its uid (16 bytes an event instead of a string's hundred; two uids of
/// one scope sharing a hash is a one-in-10^14 chance at a million live events): a deleted event (its one-hour
/// TTL) is forgotten, and a relist keeps only the listed ones.
/// </summary>
internal sealed class OccurrenceFilter
{
    private Dictionary<ulong, long> _counts = [];

    /// <summary>True when <paramref name="occurrence"/> is new; it is remembered either way.</summary>
    public bool IsNew(EventOccurrence occurrence)
    {
        var key = Key(occurrence.Uid);
        if (_counts.TryGetValue(key, out var seen) && occurrence.Count <= seen)
        {
            return false;
        }

        _counts[key] = occurrence.Count;
        return true;
    }

    public void Forget(string uid) => _counts.Remove(Key(uid));

    /// <summary>Starts a relist: what the list holds replaces what was known, so events deleted meanwhile are forgotten.</summary>
    public RelistScope BeginRelist() => new(this);

    private static ulong Key(string uid)
    {
        // A uid is 36 characters; one from a misbehaving server may be anything, so only short ones go on the stack.
        var most = Encoding.UTF8.GetMaxByteCount(uid.Length);
        var bytes = most <= 256 ? stackalloc byte[256] : new byte[most];
        return XxHash64.HashToUInt64(bytes[..Encoding.UTF8.GetBytes(uid, bytes)]);
    }

    internal sealed class RelistScope(OccurrenceFilter filter)
    {
        private readonly Dictionary<ulong, long> _listed = [];

        /// <summary>True when the listed occurrence was not seen before (not in the old counts, or with a higher count).</summary>
        public bool IsNew(EventOccurrence occurrence)
        {
            var key = Key(occurrence.Uid);
            _listed[key] = occurrence.Count;
            return !filter._counts.TryGetValue(key, out var seen) || occurrence.Count > seen;
        }

        public void Complete() => filter._counts = _listed;
    }
}
