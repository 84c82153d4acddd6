using System.Globalization;
using System.Text;

namespace LogSidecar.Sinks.Elasticsearch;

/// <summary>
/// An index name with date fields (<c>%Y</c>, <c>%m</c>, <c>%d</c>, <c>%H</c>) filled from the
/// record's UTC time, as Logstash-style daily indices want. Names depend only on the hour, so a
/// record carries its hour (<see cref="HourOf"/>) and the name is made once per hour seen.
/// </summary>
internal sealed class IndexPattern(string pattern)
{
    // Names of the hours seen lately; recomputed after a clear, so the cache can be dropped any time.
    private const int MaxCached = 256;
    private readonly Dictionary<int, byte[]> _names = [];

    public static int HourOf(DateTimeOffset time) => (int)Math.Clamp(time.ToUnixTimeSeconds() / 3600, int.MinValue, int.MaxValue);

    /// <summary>The index name for records of the given hour, JSON-safe (the validator allows no character that needs escaping).</summary>
    public byte[] NameFor(int hour)
    {
        if (!_names.TryGetValue(hour, out var name))
        {
            if (_names.Count >= MaxCached)
            {
                _names.Clear();
            }

            name = Encoding.UTF8.GetBytes(Format(DateTimeOffset.FromUnixTimeSeconds(hour * 3600L)));
            _names[hour] = name;
        }

        return name;
    }

    public string Format(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return pattern
            .Replace("%Y", utc.ToString("yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%m", utc.ToString("MM", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%d", utc.ToString("dd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%H", utc.ToString("HH", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
