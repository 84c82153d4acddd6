using System.Runtime.CompilerServices;

namespace LogSidecar.Parsing;

/// <summary>
/// The top-level properties of one JSON line, kept for the next line. Each is written into its
/// place in the array field by field: made whole first and then copied, as a list's Add does, it
/// is written as small pieces and read back at once as larger ones, which the processor cannot
/// forward and waits for, once per property of every record.
/// </summary>
internal sealed class JsonProperties
{
    private JsonProperty[] _items = new JsonProperty[16];

    public int Count { get; private set; }

    public ReadOnlySpan<JsonProperty> Span => _items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int keyStart, int keyEnd, bool keyEscaped, int valueStart, int valueEnd, FieldKind kind, bool valueEscaped)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        ref var item = ref _items[Count++];
        item.KeyStart = keyStart;
        item.KeyEnd = keyEnd;
        item.KeyEscaped = keyEscaped;
        item.ValueStart = valueStart;
        item.ValueEnd = valueEnd;
        item.Kind = kind;
        item.ValueEscaped = valueEscaped;
    }
}
