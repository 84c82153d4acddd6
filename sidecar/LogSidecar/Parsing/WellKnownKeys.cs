using System.Text;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Parsing;

/// <summary>
/// Which keys of a json or logfmt record hold its time, severity and message: the stream's own
/// lists, or the built-in ones, first match wins. Looked up for every key of every record, so the
/// keys are kept by length: a key is compared only with those as long as it.
/// </summary>
internal sealed class WellKnownKeys
{
    public static readonly string[] DefaultTimeKeys = ["time", "timestamp", "@timestamp", "ts", "t", "datetime", "date", "eventTime"];
    public static readonly string[] DefaultLevelKeys = ["level", "severity", "lvl", "loglevel", "log.level", "levelname", "severity_text"];
    public static readonly string[] DefaultMessageKeys = ["msg", "message", "@message", "log", "text", "body"];

    private readonly KeyRoles[][] _byLength;

    public WellKnownKeys(StreamConfig stream)
    {
        IReadOnlyList<string> time = stream.TimeKeys.Count > 0 ? stream.TimeKeys : DefaultTimeKeys;
        IReadOnlyList<string> level = stream.LevelKeys.Count > 0 ? stream.LevelKeys : DefaultLevelKeys;
        IReadOnlyList<string> message = stream.MessageKeys.Count > 0 ? stream.MessageKeys : DefaultMessageKeys;
        var roles = time.Concat(level).Concat(message).Distinct(StringComparer.Ordinal)
            .Select(key => new KeyRoles(Encoding.UTF8.GetBytes(key), Rank(time, key), Rank(level, key), Rank(message, key)))
            .ToList();
        _byLength = new KeyRoles[roles.Max(role => role.Key.Length) + 1][];
        for (var length = 0; length < _byLength.Length; length++)
        {
            _byLength[length] = [.. roles.Where(role => role.Key.Length == length)];
        }
    }

    /// <summary>What <paramref name="key"/> may hold and how preferred it is for each (lower first); <see cref="KeyRoles.None"/> for any other key.</summary>
    public KeyRoles Find(ReadOnlySpan<byte> key)
    {
        if (key.Length < _byLength.Length)
        {
            foreach (var roles in _byLength[key.Length])
            {
                if (key.SequenceEqual(roles.Key))
                {
                    return roles;
                }
            }
        }

        return KeyRoles.None;
    }

    private static int Rank(IReadOnlyList<string> keys, string key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        return -1;
    }
}
