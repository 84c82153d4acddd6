using System.Buffers.Binary;
using System.Numerics;

namespace LogSidecar.Parsing;

/// <summary>
/// A fixed set of keys of 1 to 8 bytes, each read as one 64-bit number, with a value each: for
/// what is looked up for every key or level of every record. A lookup is a multiply and one
/// entry's compare in a flat table (open addressing, at most a quarter full): no loop over
/// candidates and no chain of loads through objects, whose waits cost more than the compares.
/// </summary>
internal sealed class ShortKeyTable<T>
    where T : struct
{
    public const int MaxKeyLength = sizeof(ulong);

    private readonly Entry[] _entries;
    private readonly int _shift;

    /// <param name="keys">The keys (1 to <see cref="MaxKeyLength"/> bytes, each once) and their values.</param>
    public ShortKeyTable(IReadOnlyCollection<(byte[] Key, T Value)> keys)
    {
        var slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, keys.Count * 4));
        (_entries, _shift) = (new Entry[slots], 64 - BitOperations.Log2((uint)slots));
        foreach (var (key, value) in keys)
        {
            if (key.Length is 0 or > MaxKeyLength)
            {
                throw new ArgumentException($"a short key has 1 to {MaxKeyLength} bytes, not {key.Length}", nameof(keys));
            }

            var packed = Pack(key);
            var slot = Slot(packed);
            while (_entries[slot].Length != 0)
            {
                slot = (slot + 1) & (slots - 1);
            }

            _entries[slot] = new Entry(packed, key.Length, value);
        }
    }

    /// <summary>The value of the key <see cref="Pack"/> made <paramref name="packed"/> of, <paramref name="length"/> bytes long.</summary>
    public bool TryFind(ulong packed, int length, out T value)
    {
        var entries = _entries;
        for (var slot = Slot(packed); entries[slot].Length != 0; slot = (slot + 1) & (entries.Length - 1))
        {
            // The length too: "ts" and "ts" followed by a NUL byte read as the same number.
            ref readonly var entry = ref entries[slot];
            if (entry.Packed == packed && entry.Length == length)
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The 1 to 8 bytes of <paramref name="key"/> as a little-endian number: two reads that overlap in the middle.</summary>
    public static ulong Pack(ReadOnlySpan<byte> key)
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

    private int Slot(ulong packed) => (int)((packed * 0x9E3779B97F4A7C15UL) >> _shift);

    private readonly record struct Entry(ulong Packed, int Length, T Value);
}
