namespace LogSidecar.Output;

/// <summary>
/// One large buffer in front of the output stream: a batch's records are formatted into it and it
/// is written with one call, never a write per line.
/// </summary>
internal sealed class OutputBuffer(Stream sink, int capacity)
{
    private byte[] _buffer = new byte[capacity];
    private int _length;

    public int Length => _length;

    /// <summary>Room for <paramref name="size"/> bytes, growing the buffer when needed.</summary>
    public Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            // A batch's output grows the buffer; pooled buffers keep the size they reached.
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        }

        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

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
