using System.Runtime.CompilerServices;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// One large buffer in front of the output stream: records are formatted into it and it is written
/// with one call when full or when the input runs dry, never a write per line.
/// </summary>
internal sealed class OutputBuffer(Stream sink, int capacity)
{
    private readonly Rfc3339 _times = new();
    private byte[] _buffer = new byte[capacity];
    private int _length;

    public int Length => _length;

    /// <summary>True when <paramref name="size"/> bytes fit without a flush.</summary>
    public bool Fits(int size) => _buffer.Length - _length >= size;

    /// <summary>Room for <paramref name="size"/> bytes; the caller flushes first when <see cref="Fits"/> is false.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            // Only a record larger than the whole buffer gets here (the caller flushed first).
            Array.Resize(ref _buffer, _length + size);
        }

        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    // In line, so that a constant piece (a u8 literal) is copied by a few moves of its known length instead of a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Writes <paramref name="utf8"/> JSON-escaped, without quotes (room for the worst case is asked, only what is written is kept).</summary>
    public void WriteEscaped(ReadOnlySpan<byte> utf8) => _length += JsonEscaper.Escape(utf8, GetSpan(JsonEscaper.MaxOutputLength(utf8.Length)));

    /// <summary>A quoted RFC 3339 UTC time with <paramref name="fractionDigits"/> digits of fraction.</summary>
    public void WriteTime(DateTimeOffset time, int fractionDigits)
    {
        var span = GetSpan(Rfc3339.MaxLength + 2);
        span[0] = (byte)'"';
        var length = 1 + _times.Write(time.UtcDateTime, fractionDigits, span[1..]);
        span[length++] = (byte)'"';
        _length += length;
    }

    /// <summary>Moves the end back to <paramref name="length"/>, discarding what was written after it.</summary>
    public void Rewind(int length) => _length = length;

    public ReadOnlySpan<byte> Slice(int start, int length) => _buffer.AsSpan(start, length);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        await sink.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        await sink.FlushAsync(cancellationToken);
        _length = 0;
    }
}
