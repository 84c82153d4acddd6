using System.Buffers;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;

namespace LogSidecar.Tailing;

/// <summary>
/// Turns a file's bytes into lines. The unfinished last line is carried over to the next read
/// (at most <c>maxLineBytes</c> of it: beyond that the line is truncated, flagged, and the rest
/// skipped up to its newline, so one huge line never stops the file). Offsets are exact, so a
/// checkpoint always falls on a line boundary.
/// </summary>
internal sealed class LineFramer(int maxLineBytes, long startOffset)
{
    private byte[] _carry = [];
    private int _carryLength;

    // File offset of the first byte of the carried line (or of the next read when nothing is carried).
    private long _lineStart = startOffset;

    // Bytes of the carried line past maxLineBytes, already read and dropped.
    private long _dropped;

    public bool HasPartial => _carryLength > 0 || _dropped > 0;

    public int CarryLength => _carryLength;

    /// <summary>Copies the carried partial line to the start of a new read buffer; returns its length.</summary>
    public int CopyCarryTo(byte[] buffer)
    {
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        return _carryLength;
    }

    /// <summary>Frames <paramref name="carried"/> carried bytes followed by <paramref name="read"/> new bytes in the batch buffer.</summary>
    public void Frame(LineBatch batch, int carried, int read, SidecarMetrics metrics)
    {
        var data = batch.Buffer.AsSpan(0, carried + read);
        var pos = 0;
        var lineStart = _lineStart;
        if (_dropped > 0)
        {
            // The carried bytes are the truncated head of an over-long line: skip to its newline.
            var newline = data[carried..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                _dropped += read;
                return;
            }

            batch.Add(new LineRecord(0, carried, lineStart, RecordFlags.Truncated));
            metrics.LineTruncated(_dropped + newline);
            pos = carried + newline + 1;
            lineStart += carried + _dropped + newline + 1;
            _dropped = 0;
        }

        var scanFrom = Math.Max(pos, carried);
        while (true)
        {
            var newline = data[scanFrom..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var end = scanFrom + newline;
            var length = end - pos;
            var content = length > 0 && data[end - 1] == (byte)'\r' ? length - 1 : length;
            if (content > maxLineBytes)
            {
                batch.Add(new LineRecord(pos, maxLineBytes, lineStart, RecordFlags.Truncated));
                metrics.LineTruncated(content - maxLineBytes);
            }
            else
            {
                batch.Add(new LineRecord(pos, content, lineStart, RecordFlags.None));
            }

            lineStart += length + 1;
            pos = end + 1;
            scanFrom = pos;
        }

        batch.EndOffset = lineStart;
        Carry(data[pos..], lineStart);
    }

    /// <summary>Emits the carried line as a record of its own (idle timeout, shutdown, truncation).</summary>
    public void FlushPartial(LineBatch batch)
    {
        _carry.AsSpan(0, _carryLength).CopyTo(batch.Buffer);
        var flags = RecordFlags.Unterminated | (_dropped > 0 ? RecordFlags.Truncated : RecordFlags.None);
        batch.Add(new LineRecord(0, _carryLength, _lineStart, flags));
        batch.EndOffset = _lineStart + _carryLength + _dropped;
        Restart(batch.EndOffset);
    }

    /// <summary>Forgets any carried bytes and continues at <paramref name="offset"/>.</summary>
    public void Restart(long offset)
    {
        _lineStart = offset;
        _dropped = 0;
        _carryLength = 0;
        if (_carry.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = [];
        }
    }

    private void Carry(ReadOnlySpan<byte> tail, long lineStart)
    {
        _lineStart = lineStart;
        if (tail.Length > maxLineBytes)
        {
            _dropped = tail.Length - maxLineBytes;
            tail = tail[..maxLineBytes];
        }

        if (tail.Length > _carry.Length)
        {
            if (_carry.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_carry);
            }

            _carry = ArrayPool<byte>.Shared.Rent(Math.Max(tail.Length, 4096));
        }

        tail.CopyTo(_carry);
        _carryLength = tail.Length;
    }
}
