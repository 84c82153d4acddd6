namespace LogSidecar.Tailing;

/// <summary>
/// Remembers which problems were reported, for as long as they persist: a key noted in one scan and
/// not in the next complete one is forgotten. Memory stays bounded by what one scan can see, and a
/// problem that goes away and comes back is reported again. Used by the discovery loop only.
/// </summary>
internal sealed class ReportedOnce
{
    private HashSet<string> _before = new(StringComparer.Ordinal);
    private HashSet<string> _now = new(StringComparer.Ordinal);

    /// <summary>Notes <paramref name="key"/> for this scan; true only when it was not noted in this or the previous scan.</summary>
    public bool FirstTime(string key) => _now.Add(key) && !_before.Contains(key);

    /// <summary>Ends a scan; one that did not see everything forgets nothing.</summary>
    public void EndScan(bool sawEverything)
    {
        if (sawEverything)
        {
            (_before, _now) = (_now, _before);
        }
        else
        {
            _before.UnionWith(_now);
        }

        _now.Clear();
    }
}
