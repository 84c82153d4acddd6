namespace LogSidecar.Sources.Audit;

/// <summary>
/// Reads requests from one connection: heads up to a fixed size, then bodies of a known length. Bytes
/// of the next request (or body) that arrive with a head are kept for the next read.
/// </summary>
internal sealed class HttpRequestReader(Stream stream, int maxHeadBytes)
{
    private readonly byte[] _buffer = new byte[maxHeadBytes];
    private int _start;
    private int _end;

    /// <summary>The next head (without its blank line), or null at a clean end of the connection; <see cref="InvalidDataException"/> when it does not fit.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var end = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = _buffer.AsMemory(_start, searched + end).ToArray();
                _start += searched + end + 4;
                return head;
            }

            searched = Math.Max(0, _end - _start - 3);
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException($"the request head is longer than {_buffer.Length} bytes");
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return _end == _start ? null : throw new EndOfStreamException("the connection ended inside a request head");
            }

            _end += read;
        }
    }

    /// <summary>Fills <paramref name="body"/>: first from what was read with the head, then from the connection.</summary>
    public async Task ReadBodyAsync(Memory<byte> body, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(body.Length, _end - _start);
        _buffer.AsMemory(_start, buffered).CopyTo(body);
        _start += buffered;
        if (buffered < body.Length)
        {
            await stream.ReadExactlyAsync(body[buffered..], cancellationToken);
        }
    }
}
