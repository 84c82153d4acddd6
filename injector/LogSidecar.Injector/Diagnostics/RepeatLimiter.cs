namespace LogSidecar.Injector.Diagnostics;

/// <summary>
/// Says whether an event of some kind should be logged now: the first one, then at most one per
/// interval, with the number held back in between. A client that floods the webhook with bad
/// requests is counted in the metrics for every request but fills the log with one line a minute.
/// </summary>
internal sealed class RepeatLimiter(TimeProvider time, TimeSpan interval)
{
    // The lock keeps each kind's "next allowed time" and "held back" count consistent with each other.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Next, int Held)> _kinds = new(StringComparer.Ordinal);

    /// <summary>True when the event should be logged; <paramref name="heldBack"/> is how many were not since the last one.</summary>
    public bool ShouldLog(string kind, out int heldBack)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_kinds.TryGetValue(kind, out var state) && now < state.Next)
            {
                _kinds[kind] = state with { Held = state.Held + 1 };
                heldBack = 0;
                return false;
            }

            heldBack = state.Held;
            _kinds[kind] = (now + (long)(interval.TotalSeconds * time.TimestampFrequency), 0);
            return true;
        }
    }
}
