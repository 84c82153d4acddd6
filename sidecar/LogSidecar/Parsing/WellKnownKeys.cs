using System.Text;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Parsing;

/// <summary>
/// Which keys of a json or logfmt record hold its time, severity and message: the stream's own
/// lists, or the built-in ones, first match wins. Looked up for every key of every record, so a key
/// of up to 8 bytes (most are) is found in a <see cref="ShortKeyTable{T}"/>; longer keys are
/// compared with those as long as them.
/// </summary>
internal sealed class WellKnownKeys
{
    public static readonly string[] DefaultTimeKeys = ["time", "timestamp", "@timestamp", "ts", "t", "datetime", "date", "eventTime"];
    public static readonly string[] DefaultLevelKeys = ["level", "severity", "lvl", "loglevel", "log.level", "levelname", "severity_text"];
    public static readonly string[] DefaultMessageKeys = ["msg", "message", "@message", "log", "text", "body"];

    private readonly ShortKeyTable<KeyRoles> _short;
    private readonly (byte[] Key, KeyRoles Roles)[][] _longByLength;

    public WellKnownKeys(StreamConfig stream)
    {
        IReadOnlyList<string> time = stream.TimeKeys.Count > 0 ? stream.TimeKeys : DefaultTimeKeys;
        IReadOnlyList<string> level = stream.LevelKeys.Count > 0 ? stream.LevelKeys : DefaultLevelKeys;
        IReadOnlyList<string> message = stream.MessageKeys.Count > 0 ? stream.MessageKeys : DefaultMessageKeys;
        var roles = time.Concat(level).Concat(message).Distinct(StringComparer.Ordinal)
            .Select(key => (Key: Encoding.UTF8.GetBytes(key), Roles: new KeyRoles(Rank(time, key), Rank(level, key), Rank(message, key))))
            .ToList();

        _short = new ShortKeyTable<KeyRoles>([.. roles.Where(role => IsShort(role.Key.Length))]);
        var longest = roles.Select(role => role.Key.Length).Append(ShortKeyTable<KeyRoles>.MaxKeyLength).Max();
        _longByLength = new (byte[], KeyRoles)[longest + 1][];
        for (var length = 0; length < _longByLength.Length; length++)
        {
            _longByLength[length] = [.. roles.Where(role => role.Key.Length == length && !IsShort(length))];
        }
    }

    /// <summary>What <paramref name="key"/> may hold and how preferred it is for each (lower first); <see cref="KeyRoles.None"/> for any other key.</summary>
    public KeyRoles Find(ReadOnlySpan<byte> key)
    {
        if (IsShort(key.Length))
        {
            return _short.TryFind(ShortKeyTable<KeyRoles>.Pack(key), key.Length, out var roles) ? roles : KeyRoles.None;
        }

        if (key.Length < _longByLength.Length)
        {
            foreach (var (name, roles) in _longByLength[key.Length])
            {
                if (key.SequenceEqual(name))
                {
                    return roles;
                }
            }
        }

        return KeyRoles.None;
    }

    // An empty key (configurable, if odd) is compared as the long ones are.
    private static bool IsShort(int length) => length is > 0 and <= ShortKeyTable<KeyRoles>.MaxKeyLength;

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
