using LogSidecar.Sinks.Formatting;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// The records of one pending request, encoded once when appended: their bytes in one buffer and
/// their <see cref="ShipItem"/> entries. A retry re-sends a subset from here without re-encoding.
/// </summary>
internal sealed class ShipItems(int capacityBytes)
{
    private readonly List<ShipItem> _items = [];

    /// <summary>Where protocols write an item's bytes; it is never flushed anywhere.</summary>
    public OutputBuffer Bytes { get; } = new(Stream.Null, capacityBytes);

    public int Count => _items.Count;

    public int ByteCount => Bytes.Length;

    public ShipItem this[int index] => _items[index];

    public ReadOnlySpan<byte> Payload(in ShipItem item) => Bytes.Slice(item.Start, item.Length);

    public void Add(ShipItem item) => _items.Add(item);

    public void Clear()
    {
        _items.Clear();
        Bytes.Rewind(0);
    }
}
