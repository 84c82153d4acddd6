using System.Buffers;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// The body of a watch: one JSON object per line, for as long as the server keeps the stream open. A line
/// longer than <see cref="MaxLineBytes"/> ends the watch (the caller lists again) rather than growing memory.
/// </summary>
internal sealed class WatchLines(HttpResponseMessage response, Stream stream) : IDisposable
{
    public const int MaxLineBytes = 4 * 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _start;
    private int _end;

    /// <summary>The next line without its newline, or null when the server ended the stream.</summary>
    /// <exception cref="InvalidDataException">A line is longer than <see cref="MaxLineBytes"/>.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline);
                _start += newline + 1;
                if (line.Span.Trim((byte)' ').IsEmpty)
                {
                    continue;
                }

                return line;
            }

            Compact();
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        response.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Compact()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new InvalidDataException($"a watch line is longer than {MaxLineBytes} bytes");
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxLineBytes));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }
}
