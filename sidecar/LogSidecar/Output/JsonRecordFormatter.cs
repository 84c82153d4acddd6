using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;
using LogSidecar.Text;

namespace LogSidecar.Output;

/// <summary>
/// One JSON object per record and line: <c>time</c> (when read), <c>message</c>, <c>file</c>,
/// <c>stream</c>, pod metadata under <c>kubernetes</c>, and flags. Newlines inside a message are
/// escaped so a record survives the container runtime as one line. A line longer than the limit is
/// split into pieces carrying <c>split.id</c>, <c>split.index</c> and <c>split.count</c>, or truncated.
/// </summary>
internal sealed class JsonRecordFormatter : IRecordFormatter
{
    // Room for the time, the flags and a split object with ten-digit numbers and the longest id.
    private const int FixedOverhead = 256;

    private readonly MessageText _text;
    private readonly ScratchBuffer _escaped = new(4096);
    private readonly ConditionalWeakTable<TrackedFile, byte[]> _suffixes = [];
    private readonly byte[] _time = new byte[32];
    private readonly List<int> _cuts = [];
    private readonly ConditionalWeakTable<TrackedFile, byte[]>.CreateValueCallback _buildSuffix;
    private TrackedFile? _suffixFile;
    private byte[] _suffix = [];
    private DateTimeOffset _timeFor = DateTimeOffset.MinValue;
    private int _timeLength;

    private readonly OutputOptions _options;
    private readonly SidecarMetrics _metrics;

    public JsonRecordFormatter(OutputOptions options, PodMetadata pod, SidecarMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        _text = new MessageText(metrics);
        _buildSuffix = file => RecordSuffix.Build(file, pod);
    }

    public int WorstCaseBytes(LineBatch batch, in LineRecord record)
    {
        var escaped = JsonEscaper.MaxOutputLength(record.Length);
        var perLine = FixedOverhead + Suffix(batch.File).Length;
        var pieces = escaped / Math.Max(1, _options.MaxRecordBytes - perLine) + 1;
        return escaped + (pieces * perLine);
    }

    public void Write(LineBatch batch, in LineRecord record, OutputBuffer output)
    {
        var text = _text.Valid(batch.Bytes(record));
        var scratch = _escaped.Get(JsonEscaper.MaxOutputLength(text.Length));
        var escaped = scratch.AsSpan(0, JsonEscaper.Escape(text, scratch));
        var time = Time(batch.ReadTime);
        var suffix = Suffix(batch.File);
        var flags = record.Flags;

        var overhead = Line.Overhead(time, suffix, flags, splitId: null);
        if (escaped.Length + overhead <= _options.MaxRecordBytes)
        {
            Line.Write(output, time, escaped, suffix, flags, split: default);
            return;
        }

        if (!_options.Split)
        {
            flags |= RecordFlags.Truncated;
            var room = Math.Max(0, _options.MaxRecordBytes - Line.Overhead(time, suffix, flags, splitId: null));
            var cut = JsonEscaper.SafeCut(escaped, room);
            _metrics.Dropped(DropReason.RecordTooLarge, escaped.Length - cut);
            Line.Write(output, time, escaped[..cut], suffix, flags, split: default);
            return;
        }

        WriteSplit(batch, record, output, escaped, time, suffix, flags);
    }

    private void WriteSplit(LineBatch batch, in LineRecord record, OutputBuffer output, ReadOnlySpan<byte> escaped, ReadOnlySpan<byte> time, ReadOnlySpan<byte> suffix, RecordFlags flags)
    {
        _metrics.RecordSplit();
        var id = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{batch.Identity?.Key}:{record.FileOffset:x}"));
        var room = Math.Max(64, _options.MaxRecordBytes - Line.Overhead(time, suffix, flags, id));
        _cuts.Clear();
        for (var start = 0; start < escaped.Length;)
        {
            var cut = start + JsonEscaper.SafeCut(escaped[start..], room);
            _cuts.Add(cut);
            start = cut;
        }

        var from = 0;
        for (var index = 0; index < _cuts.Count; index++)
        {
            Line.Write(output, time, escaped[from.._cuts[index]], suffix, flags, new SplitInfo(id, index, _cuts.Count));
            from = _cuts[index];
        }
    }

    private ReadOnlySpan<byte> Time(DateTimeOffset readTime)
    {
        if (readTime != _timeFor)
        {
            readTime.UtcDateTime.TryFormat(_time, out _timeLength, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            _timeFor = readTime;
        }

        return _time.AsSpan(0, _timeLength);
    }

    // Called twice per record: remember the last file, and never allocate a closure on this path.
    private byte[] Suffix(TrackedFile file)
    {
        if (!ReferenceEquals(file, _suffixFile))
        {
            _suffix = _suffixes.GetValue(file, _buildSuffix);
            _suffixFile = file;
        }

        return _suffix;
    }

    /// <summary>Where a piece of a split record belongs.</summary>
    private readonly ref struct SplitInfo(ReadOnlySpan<byte> id, int index, int count)
    {
        public ReadOnlySpan<byte> Id { get; } = id;

        public int Index { get; } = index;

        public int Count { get; } = count;
    }

    /// <summary>Writes and measures one JSON line.</summary>
    private static class Line
    {
        private static ReadOnlySpan<byte> TimeOpen => "{\"time\":\""u8;

        private static ReadOnlySpan<byte> MessageOpen => "\",\"message\":\""u8;

        private static ReadOnlySpan<byte> Truncated => ",\"truncated\":true"u8;

        private static ReadOnlySpan<byte> Unterminated => ",\"unterminated\":true"u8;

        private static ReadOnlySpan<byte> SplitOpen => ",\"split\":{\"id\":\""u8;

        // Closing quote of the id, both numbers at ten digits, the braces.
        private const int SplitTail = 48;

        public static int Overhead(ReadOnlySpan<byte> time, ReadOnlySpan<byte> suffix, RecordFlags flags, byte[]? splitId) =>
            TimeOpen.Length + time.Length + MessageOpen.Length + 1 + suffix.Length + FlagsLength(flags) + 2
            + (splitId is null ? 0 : SplitOpen.Length + splitId.Length + SplitTail);

        public static void Write(OutputBuffer output, ReadOnlySpan<byte> time, ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix, RecordFlags flags, SplitInfo split)
        {
            output.Write(TimeOpen);
            output.Write(time);
            output.Write(MessageOpen);
            output.Write(message);
            output.Write("\""u8);
            output.Write(suffix);
            if ((flags & RecordFlags.Truncated) != 0)
            {
                output.Write(Truncated);
            }

            if ((flags & RecordFlags.Unterminated) != 0)
            {
                output.Write(Unterminated);
            }

            if (!split.Id.IsEmpty)
            {
                output.Write(SplitOpen);
                output.Write(split.Id);
                var span = output.GetSpan(SplitTail);
                Utf8.TryWrite(span, CultureInfo.InvariantCulture, $"\",\"index\":{split.Index},\"count\":{split.Count}}}", out var written);
                output.Advance(written);
            }

            output.Write("}\n"u8);
        }

        private static int FlagsLength(RecordFlags flags) =>
            ((flags & RecordFlags.Truncated) != 0 ? Truncated.Length : 0)
            + ((flags & RecordFlags.Unterminated) != 0 ? Unterminated.Length : 0);
    }
}
