using System.Buffers;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;

namespace LogSidecar.Multiline;

/// <summary>
/// Turns a file's bytes into records: lines, or groups of lines when a multiline rule joins them.
/// What is not finished yet (an open multiline record, then an unterminated line) is carried over
/// to the next read and never passed by the checkpoint. A line longer than <c>maxLineBytes</c> is
/// truncated and flagged and the rest of it skipped up to its newline, so one huge line never stops
/// the file. Offsets are exact, so a checkpoint always falls on a record boundary.
/// </summary>
internal sealed class RecordFramer
{
    private readonly int _maxLineBytes;
    private readonly ILineJoinRule? _rule;
    private readonly int _maxGroupLines;
    private readonly int _maxGroupBytes;

    // Carried bytes: the open group's lines (with their newlines), then the unterminated line.
    private byte[] _carry = [];
    private int _carryLength;

    // File offset of the first carried byte (or of the next read when nothing is carried).
    private long _carryStart;

    // The open group, relative to the start of the carry: its length including the last line's
    // newline, where its last line's text ends, how many lines it has, and its flags.
    private int _groupLength;
    private int _groupContentEnd;
    private int _groupLines;
    private RecordFlags _groupFlags;

    // Bytes of the unterminated line past maxLineBytes, already read and dropped.
    private long _dropped;

    public RecordFramer(int maxLineBytes, long startOffset, ILineJoinRule? rule = null, int maxGroupLines = int.MaxValue, int maxGroupBytes = int.MaxValue)
    {
        _maxLineBytes = maxLineBytes;
        _carryStart = startOffset;
        _rule = rule;
        _maxGroupLines = maxGroupLines;
        _maxGroupBytes = maxGroupBytes;
    }

    /// <summary>True when an unterminated line or an open multiline record is waiting.</summary>
    public bool HasPending => _carryLength > 0 || _dropped > 0 || _groupLines > 0;

    /// <summary>True when a multiline record is open (it may still get continuation lines).</summary>
    public bool HasOpenRecord => _groupLines > 0;

    public int CarryLength => _carryLength;

    /// <summary>Copies the carried bytes to the start of a new read buffer; returns their length.</summary>
    public int CopyCarryTo(byte[] buffer)
    {
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        return _carryLength;
    }

    /// <summary>Frames <paramref name="carried"/> carried bytes followed by <paramref name="read"/> new bytes in the batch buffer.</summary>
    public void Frame(LineBatch batch, int carried, int read, SidecarMetrics metrics)
    {
        var data = batch.Buffer.AsSpan(0, carried + read);
        var cursor = new Cursor(batch, _carryStart, _groupContentEnd, _groupLines, _groupFlags);
        var pos = _groupLength;
        var lineStart = _carryStart + _groupLength;
        if (_dropped > 0)
        {
            // The carried line is the truncated head of an over-long line: skip to its newline.
            var newline = data[carried..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                _dropped += read;
                return;
            }

            metrics.LineTruncated(_dropped + newline);
            var next = carried + newline + 1;
            AddLine(ref cursor, pos, carried - pos, lineStart, RecordFlags.Truncated);
            lineStart += next - pos + _dropped;
            pos = next;
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
            var flags = RecordFlags.None;
            if (content > _maxLineBytes)
            {
                metrics.LineTruncated(content - _maxLineBytes);
                content = _maxLineBytes;
                flags = RecordFlags.Truncated;
            }

            AddLine(ref cursor, pos, content, lineStart, flags);
            lineStart += length + 1;
            pos = end + 1;
            scanFrom = pos;
        }

        // Keep the open group and the unterminated line for the next read.
        var keepFrom = cursor.GroupLines > 0 ? cursor.GroupStart : pos;
        batch.EndOffset = cursor.GroupLines > 0 ? cursor.GroupOffset : lineStart;
        _groupLength = cursor.GroupLines > 0 ? pos - keepFrom : 0;
        _groupContentEnd = cursor.GroupContentEnd - keepFrom;
        _groupLines = cursor.GroupLines;
        _groupFlags = cursor.GroupFlags;
        Carry(data[keepFrom..], pos - keepFrom, batch.EndOffset);
    }

    /// <summary>Emits everything pending as records (idle timeout, shutdown, truncation).</summary>
    public void FlushPending(LineBatch batch)
    {
        _carry.AsSpan(0, _carryLength).CopyTo(batch.Buffer);
        var cursor = new Cursor(batch, _carryStart, _groupContentEnd, _groupLines, _groupFlags);
        var partial = _carryLength - _groupLength;
        var end = _carryStart + _carryLength + _dropped;
        if (partial > 0 || _dropped > 0)
        {
            var flags = RecordFlags.Unterminated | (_dropped > 0 ? RecordFlags.Truncated : RecordFlags.None);
            AddLine(ref cursor, _groupLength, partial, _carryStart + _groupLength, flags);
        }

        if (cursor.GroupLines > 0)
        {
            cursor.EmitGroup(RecordFlags.None);
        }

        batch.EndOffset = end;
        Restart(end);
    }

    /// <summary>
    /// Emits the open multiline record, if any, and forgets an unterminated last line (the file was
    /// truncated: a copy of it holds that line whole, and is read from its start). The batch ends
    /// (<see cref="LineBatch.EndOffset"/>) where the unterminated line starts, or where the next read would have started.
    /// </summary>
    public void FlushTerminated(LineBatch batch)
    {
        _carry.AsSpan(0, _groupLength).CopyTo(batch.Buffer);
        var cursor = new Cursor(batch, _carryStart, _groupContentEnd, _groupLines, _groupFlags);
        if (cursor.GroupLines > 0)
        {
            cursor.EmitGroup(RecordFlags.None);
        }

        var end = _carryStart + _groupLength;
        batch.EndOffset = end;
        Restart(end);
    }

    /// <summary>Forgets everything carried and continues at <paramref name="offset"/>.</summary>
    public void Restart(long offset)
    {
        _carryStart = offset;
        _dropped = 0;
        _carryLength = 0;
        _groupLength = 0;
        _groupContentEnd = 0;
        _groupLines = 0;
        _groupFlags = RecordFlags.None;
        if (_carry.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = [];
        }
    }

    private void AddLine(ref Cursor cursor, int start, int content, long offset, RecordFlags flags)
    {
        if (_rule is null)
        {
            cursor.Batch.Add(new LineRecord(start, content, offset, flags));
            return;
        }

        if (cursor.GroupLines > 0)
        {
            var full = cursor.GroupLines >= _maxGroupLines || start + content - cursor.GroupStart > _maxGroupBytes;
            var starts = _rule.StartsRecord(cursor.Batch.Buffer.AsSpan(start, content));
            if (!starts && !full)
            {
                cursor.Extend(start + content, flags);
                return;
            }

            cursor.EmitGroup(full && !starts ? RecordFlags.Truncated : RecordFlags.None);
        }
        else
        {
            // The first line of a file (or after a flush) still feeds the rule its state.
            _rule.StartsRecord(cursor.Batch.Buffer.AsSpan(start, content));
        }

        cursor.Open(start, start + content, offset, flags);
    }

    private void Carry(ReadOnlySpan<byte> tail, int partialStart, long tailOffset)
    {
        _carryStart = tailOffset;
        var partial = tail.Length - partialStart;
        if (partial > _maxLineBytes)
        {
            _dropped = partial - _maxLineBytes;
            tail = tail[..(partialStart + _maxLineBytes)];
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

    /// <summary>The open multiline group while a buffer is being framed (positions are buffer indices).</summary>
    private struct Cursor(LineBatch batch, long groupOffset, int groupContentEnd, int groupLines, RecordFlags groupFlags)
    {
        public LineBatch Batch { get; } = batch;

        public int GroupStart { get; private set; }

        public int GroupContentEnd { get; private set; } = groupLines > 0 ? groupContentEnd : 0;

        public long GroupOffset { get; private set; } = groupOffset;

        public int GroupLines { get; private set; } = groupLines;

        public RecordFlags GroupFlags { get; private set; } = groupLines > 0 ? groupFlags : RecordFlags.None;

        public void Open(int start, int contentEnd, long offset, RecordFlags flags)
        {
            GroupStart = start;
            GroupContentEnd = contentEnd;
            GroupOffset = offset;
            GroupLines = 1;
            GroupFlags = flags;
        }

        public void Extend(int contentEnd, RecordFlags flags)
        {
            GroupContentEnd = contentEnd;
            GroupLines++;
            GroupFlags |= flags;
        }

        public void EmitGroup(RecordFlags extra)
        {
            Batch.Add(new LineRecord(GroupStart, GroupContentEnd - GroupStart, GroupOffset, GroupFlags | extra));
            GroupLines = 0;
            GroupFlags = RecordFlags.None;
        }
    }
}
