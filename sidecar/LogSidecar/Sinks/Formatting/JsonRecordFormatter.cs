using System.Globalization;
using System.Text;
using System.Text.Unicode;
using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// One JSON object per record and line: <c>time</c> (parsed, else when read), <c>message</c>,
/// <c>file</c>, <c>stream</c>, pod metadata under <c>kubernetes</c>, then what the stream's parser
/// found in the prepared record (<c>read_time</c>, <c>severity_text</c>, <c>severity_number</c>, <c>fields</c>,
/// <c>parse_error</c>) and flags. Newlines inside a message are escaped so a record survives the
/// container runtime as one line. A line longer than the limit is split into pieces carrying
/// <c>split.id</c>, <c>split.index</c> and <c>split.count</c> (parsed fields ride on the first), or truncated.
/// </summary>
internal sealed class JsonRecordFormatter : IRecordFormatter
{
    // Read times in milliseconds; parsed times keep what the record had, up to .NET's 100 ns.
    private const int ReadTimeDigits = 3;
    private const int ParsedTimeDigits = 7;

    // Room for the time, the flags and a split object with ten-digit numbers and the longest id.
    private const int FixedOverhead = 256;

    private readonly OutputOptions _options;
    private readonly SidecarMetrics _metrics;
    private readonly ScratchBuffer _escaped = new(4096);
    private readonly PerFile<byte[]> _suffixes;
    private readonly JsonFragment _time = new();
    private readonly JsonFragment _extra = new();
    private readonly List<int> _cuts = [];
    private readonly byte[] _timeOpen;
    private DateTimeOffset _readTimeFor = DateTimeOffset.MinValue;
    private byte[] _readTime = [];

    public JsonRecordFormatter(OutputOptions options, PodMetadata pod, SidecarMetrics metrics)
    {
        _options = options;
        _timeOpen = Encoding.UTF8.GetBytes($"{{\"{options.TimeKey}\":");
        _metrics = metrics;
        _suffixes = new PerFile<byte[]>(file => RecordSuffix.Build(file, pod));
    }

    public int WorstCaseBytes(PreparedRecord record)
    {
        var escaped = JsonEscaper.MaxOutputLength(record.Text.Length);
        var perLine = FixedOverhead + _suffixes[record.File].Length;
        var pieces = escaped / Math.Max(1, _options.MaxRecordBytes - perLine) + 1;

        // Parsed fields are the record's own bytes escaped at most sixfold, plus their keys and quotes.
        var fields = record.Parsed is null ? 0 : escaped + 1024;
        return escaped + (pieces * perLine) + fields;
    }

    public void Write(PreparedRecord record, OutputBuffer output)
    {
        var batch = record.Batch;
        var suffix = _suffixes[record.File];
        var parsed = record.Parsed;
        var escaped = Message(record.Text, parsed);
        var time = Time(batch.ReadTime, parsed);
        var extra = Extra(batch.ReadTime, parsed);
        var flags = record.Flags;

        if (escaped.Length + Line.Overhead(_timeOpen, time, suffix, extra, flags, splitId: null) <= _options.MaxRecordBytes)
        {
            Line.Write(output, _timeOpen, time, escaped, suffix, extra, flags, split: default);
            return;
        }

        if (!_options.Split)
        {
            flags |= RecordFlags.Truncated;
            var room = Math.Max(0, _options.MaxRecordBytes - Line.Overhead(_timeOpen, time, suffix, extra, flags, splitId: null));
            var cut = JsonEscaper.SafeCut(escaped, room);
            _metrics.Dropped(DropReason.RecordTooLarge, escaped.Length - cut);
            Line.Write(output, _timeOpen, time, escaped[..cut], suffix, extra, flags, split: default);
            return;
        }

        WriteSplit(record, output, new Piece(time, escaped, suffix, extra, flags));
    }

    private void WriteSplit(PreparedRecord record, OutputBuffer output, Piece piece)
    {
        _metrics.RecordSplit();
        var id = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{record.Batch.Identity?.Key}:{record.Line.FileOffset:x}"));
        var firstRoom = Math.Max(64, _options.MaxRecordBytes - Line.Overhead(_timeOpen, piece.Time, piece.Suffix, piece.Extra, piece.Flags, id));
        var room = Math.Max(64, _options.MaxRecordBytes - Line.Overhead(_timeOpen, piece.Time, piece.Suffix, [], piece.Flags, id));
        _cuts.Clear();
        for (var start = 0; start < piece.Message.Length;)
        {
            var cut = start + JsonEscaper.SafeCut(piece.Message[start..], _cuts.Count == 0 ? firstRoom : room);
            _cuts.Add(cut);
            start = cut;
        }

        var from = 0;
        for (var index = 0; index < _cuts.Count; index++)
        {
            var extra = index == 0 ? piece.Extra : [];
            Line.Write(output, _timeOpen, piece.Time, piece.Message[from.._cuts[index]], piece.Suffix, extra, piece.Flags, new SplitInfo(id, index, _cuts.Count));
            from = _cuts[index];
        }
    }

    /// <summary>The escaped message: the parsed one when there is one, else the whole text.</summary>
    private ReadOnlySpan<byte> Message(ReadOnlySpan<byte> text, ParsedRecord? parsed)
    {
        if (parsed is { Error: null })
        {
            if (parsed.Message is not { } range)
            {
                return [];
            }

            if (parsed.MessageEscaped)
            {
                return parsed[range];
            }

            text = parsed[range];
        }

        var scratch = _escaped.Get(JsonEscaper.MaxOutputLength(text.Length));
        return scratch.AsSpan(0, JsonEscaper.Escape(text, scratch));
    }

    private ReadOnlySpan<byte> Time(DateTimeOffset readTime, ParsedRecord? parsed)
    {
        if (parsed?.Time is { } time)
        {
            _time.Clear();
            _time.Time(time, ParsedTimeDigits);
            return _time.Span;
        }

        return ReadTime(readTime);
    }

    // Records of a batch share their read time: format it once.
    private byte[] ReadTime(DateTimeOffset readTime)
    {
        if (readTime != _readTimeFor)
        {
            var fragment = new JsonFragment();
            fragment.Time(readTime, ReadTimeDigits);
            _readTime = fragment.Span.ToArray();
            _readTimeFor = readTime;
        }

        return _readTime;
    }

    /// <summary>What parsing added after the file and pod fields, as JSON members each led by a comma.</summary>
    private ReadOnlySpan<byte> Extra(DateTimeOffset readTime, ParsedRecord? parsed)
    {
        _extra.Clear();
        if (parsed is null)
        {
            return [];
        }

        if (parsed.Time is not null)
        {
            _extra.Raw(",\"read_time\":"u8);
            _extra.Raw(ReadTime(readTime));
        }

        if (parsed.Severity.IsKnown)
        {
            _extra.Raw(",\"severity_text\":\""u8);
            _extra.Raw(parsed.Severity.Utf8Text);
            _extra.Raw("\",\"severity_number\":"u8);
            _extra.Number(parsed.Severity.Number);
        }

        if (parsed.Fields.Count > 0)
        {
            _extra.Raw(",\"fields\":{"u8);
            for (var i = 0; i < parsed.Fields.Count; i++)
            {
                var field = parsed.Fields[i];
                _extra.Raw(i == 0 ? "\""u8 : ",\""u8);
                if (field.KeyEscaped)
                {
                    _extra.Raw(parsed[field.Key]);
                }
                else
                {
                    _extra.Escaped(parsed[field.Key]);
                }

                _extra.Raw("\":"u8);
                if (field.IsJson)
                {
                    _extra.Raw(parsed[field.Value]);
                }
                else
                {
                    _extra.String(parsed[field.Value]);
                }
            }

            _extra.Raw("}"u8);
        }

        if (parsed.Error is { } error)
        {
            _extra.Raw(",\"parse_error\":"u8);
            _extra.String(Encoding.UTF8.GetBytes(error));
        }

        return _extra.Span;
    }

    /// <summary>The parts of one record's line(s).</summary>
    private readonly ref struct Piece(ReadOnlySpan<byte> time, ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> extra, RecordFlags flags)
    {
        public ReadOnlySpan<byte> Time { get; } = time;

        public ReadOnlySpan<byte> Message { get; } = message;

        public ReadOnlySpan<byte> Suffix { get; } = suffix;

        public ReadOnlySpan<byte> Extra { get; } = extra;

        public RecordFlags Flags { get; } = flags;
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
        // Closing quote of the id, both numbers at ten digits, the braces.
        private const int SplitTail = 48;

        private static ReadOnlySpan<byte> MessageOpen => ",\"message\":\""u8;

        private static ReadOnlySpan<byte> Truncated => ",\"truncated\":true"u8;

        private static ReadOnlySpan<byte> Unterminated => ",\"unterminated\":true"u8;

        private static ReadOnlySpan<byte> SplitOpen => ",\"split\":{\"id\":\""u8;

        public static int Overhead(byte[] timeOpen, ReadOnlySpan<byte> time, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> extra, RecordFlags flags, byte[]? splitId) =>
            timeOpen.Length + time.Length + MessageOpen.Length + 1 + suffix.Length + extra.Length + FlagsLength(flags) + 2
            + (splitId is null ? 0 : SplitOpen.Length + splitId.Length + SplitTail);

        public static void Write(OutputBuffer output, byte[] timeOpen, ReadOnlySpan<byte> time, ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> extra, RecordFlags flags, SplitInfo split)
        {
            output.Write(timeOpen);
            output.Write(time);
            output.Write(MessageOpen);
            output.Write(message);
            output.Write("\""u8);
            output.Write(suffix);
            output.Write(extra);
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
