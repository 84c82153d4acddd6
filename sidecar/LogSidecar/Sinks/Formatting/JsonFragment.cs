using System.Globalization;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>A growable UTF-8 buffer for building a piece of JSON: raw bytes, escaped strings, numbers, times.</summary>
internal sealed class JsonFragment
{
    private byte[] _bytes = new byte[1024];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Room(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Writes <paramref name="utf8"/> escaped, without quotes.</summary>
    public void Escaped(ReadOnlySpan<byte> utf8) => Length += JsonEscaper.Escape(utf8, Room(JsonEscaper.MaxOutputLength(utf8.Length)));

    public void String(ReadOnlySpan<byte> utf8)
    {
        Raw("\""u8);
        Escaped(utf8);
        Raw("\""u8);
    }

    public void Number(int value)
    {
        value.TryFormat(Room(11), out var written, provider: CultureInfo.InvariantCulture);
        Length += written;
    }

    /// <summary>A quoted RFC 3339 UTC time with <paramref name="fractionDigits"/> digits of fraction.</summary>
    public void Time(DateTimeOffset time, int fractionDigits)
    {
        Raw("\""u8);
        Length += Rfc3339.Write(time.UtcDateTime, fractionDigits, Room(Rfc3339.MaxLength));
        Raw("\""u8);
    }

    private Span<byte> Room(int size)
    {
        if (_bytes.Length - Length < size)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + size));
        }

        return _bytes.AsSpan(Length);
    }
}
