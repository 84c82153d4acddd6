using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Parsing;

/// <summary>
/// Which keys of a json or logfmt record hold its time, severity and message: the stream's own
/// lists, or the built-in ones, first match wins. Looked up for every key of every record, so a key
/// of up to 8 bytes (most are) is read as one 64-bit number and found in a small hash table, one
/// comparison and no loop over candidates; longer keys are compared with those as long as them.
/// </summary>
internal sealed class WellKnownKeys
{
    public static readonly string[] DefaultTimeKeys = ["time", "timestamp", "@timestamp", "ts", "t", "datetime", "date", "eventTime"];
    public static readonly string[] DefaultLevelKeys = ["level", "severity", "lvl", "loglevel", "log.level", "levelname", "severity_text"];
    public static readonly string[] DefaultMessageKeys = ["msg", "message", "@message", "log", "text", "body"];

    private const int ShortKey = sizeof(ulong);

    // Open addressing with linear probing; at most a quarter full, so a probe rarely goes past its first slot.
    private readonly ulong[] _shortKeys;
    private readonly KeyRoles?[] _shortRoles;
    private readonly int _shift;

    private readonly KeyRoles[][] _longByLength;

    public WellKnownKeys(StreamConfig stream)
    {
        IReadOnlyList<string> time = stream.TimeKeys.Count > 0 ? stream.TimeKeys : DefaultTimeKeys;
        IReadOnlyList<string> level = stream.LevelKeys.Count > 0 ? stream.LevelKeys : DefaultLevelKeys;
        IReadOnlyList<string> message = stream.MessageKeys.Count > 0 ? stream.MessageKeys : DefaultMessageKeys;
        var roles = time.Concat(level).Concat(message).Distinct(StringComparer.Ordinal)
            .Select(key => new KeyRoles(Encoding.UTF8.GetBytes(key), Rank(time, key), Rank(level, key), Rank(message, key)))
            .Where(role => role.Key.Length > 0)
            .ToList();

        var slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, roles.Count * 4));
        (_shortKeys, _shortRoles, _shift) = (new ulong[slots], new KeyRoles?[slots], 64 - BitOperations.Log2((uint)slots));
        foreach (var role in roles.Where(role => role.Key.Length <= ShortKey))
        {
            var packed = Pack(role.Key);
            var slot = Slot(packed);
            while (_shortRoles[slot] is not null)
            {
                slot = (slot + 1) & (slots - 1);
            }

            (_shortKeys[slot], _shortRoles[slot]) = (packed, role);
        }

        var longest = roles.Select(role => role.Key.Length).Append(ShortKey).Max();
        _longByLength = new KeyRoles[longest + 1][];
        for (var length = 0; length < _longByLength.Length; length++)
        {
            _longByLength[length] = [.. roles.Where(role => role.Key.Length == length && length > ShortKey)];
        }
    }

    /// <summary>What <paramref name="key"/> may hold and how preferred it is for each (lower first); <see cref="KeyRoles.None"/> for any other key.</summary>
    public KeyRoles Find(ReadOnlySpan<byte> key)
    {
        if (key.Length is > 0 and <= ShortKey)
        {
            var packed = Pack(key);
            for (var slot = Slot(packed); _shortRoles[slot] is { } roles; slot = (slot + 1) & (_shortRoles.Length - 1))
            {
                // The length too: "ts" and "ts" followed by a NUL byte read as the same number.
                if (_shortKeys[slot] == packed && roles.Key.Length == key.Length)
                {
                    return roles;
                }
            }

            return KeyRoles.None;
        }

        if (key.Length < _longByLength.Length)
        {
            foreach (var roles in _longByLength[key.Length])
            {
                if (key.SequenceEqual(roles.Key))
                {
                    return roles;
                }
            }
        }

        return KeyRoles.None;
    }

    private int Slot(ulong packed) => (int)((packed * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The 1 to 8 bytes of <paramref name="key"/> as a little-endian number: two reads that overlap in the middle.</summary>
    private static ulong Pack(ReadOnlySpan<byte> key)
    {
        var length = key.Length;
        if (length >= sizeof(uint))
        {
            ulong low = BinaryPrimitives.ReadUInt32LittleEndian(key);
            ulong high = BinaryPrimitives.ReadUInt32LittleEndian(key[(length - sizeof(uint))..]);
            return low | (high << (8 * (length - sizeof(uint))));
        }

        if (length >= sizeof(ushort))
        {
            ulong low = BinaryPrimitives.ReadUInt16LittleEndian(key);
            ulong high = BinaryPrimitives.ReadUInt16LittleEndian(key[(length - sizeof(ushort))..]);
            return low | (high << (8 * (length - sizeof(ushort))));
        }

        return key[0];
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
