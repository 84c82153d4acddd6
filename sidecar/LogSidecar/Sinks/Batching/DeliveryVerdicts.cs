namespace LogSidecar.Sinks.Batching;

/// <summary>
/// One verdict per pending item, with a short reason for metrics (such as <c>status_400</c> or
/// <c>mapper_parsing_exception</c>, a bounded set) and the backend's own words for the dead letter.
/// </summary>
internal sealed class DeliveryVerdicts
{
    private ItemVerdict[] _verdicts = new ItemVerdict[64];
    private (string? Label, string? Detail)[] _reasons = new (string?, string?)[64];

    public ItemVerdict this[int item] => _verdicts[item];

    public string? Label(int item) => _reasons[item].Label;

    public string? Detail(int item) => _reasons[item].Detail;

    /// <summary>Makes room for <paramref name="count"/> items, all <see cref="ItemVerdict.Unknown"/>.</summary>
    public void Reset(int count)
    {
        if (_verdicts.Length < count)
        {
            _verdicts = new ItemVerdict[Math.Max(count, _verdicts.Length * 2)];
            _reasons = new (string?, string?)[_verdicts.Length];
        }

        Array.Clear(_verdicts, 0, count);
        Array.Clear(_reasons, 0, count);
    }

    public void Set(int item, ItemVerdict verdict, string? label = null, string? detail = null)
    {
        _verdicts[item] = verdict;
        _reasons[item] = (label, detail);
    }

    public void SetAll(IReadOnlyList<int> items, ItemVerdict verdict, string? label = null, string? detail = null)
    {
        foreach (var item in items)
        {
            Set(item, verdict, label, detail);
        }
    }
}
