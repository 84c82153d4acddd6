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

    // ,"severity_text":"INFO","severity_number":9 for each known severity number, written at once.
    private static readonly byte[][] SeverityMembers = [.. Enumerable.Range(0, 25).Select(number => Encoding.UTF8.GetBytes(
        new Severity(number) is { IsKnown: true } severity ? $",\"severity_text\":\"{severity.Text}\",\"severity_number\":{number}" : ""))];

    private readonly OutputOptions _options;
    private readonly SidecarMetrics _metrics;
    private readonly ScratchBuffer _escaped = new(4096);
    // The message's closing quote and the file's members after it, written at once.
    private readonly PerFile<byte[]> _suffixes;
    private readonly ScratchBuffer _timeCopy = new(64);
    private readonly ScratchBuffer _extraCopy = new(1024);
    private readonly List<int> _cuts = [];
    private readonly byte[] _timeOpen;
    private DateTimeOffset _readTimeFor = DateTimeOffset.MinValue;
    // ,"read_time":"..." of the last read time; the quoted time alone is its tail. Made in one buffer kept for it.
    private readonly OutputBuffer _readTimeText = new(Stream.Null, Rfc3339.MaxLength + 2);
    private byte[] _readTimeMember = [];

    public JsonRecordFormatter(OutputOptions options, PodMetadata pod, SidecarMetrics metrics)
    {
        _options = options;
        _timeOpen = Encoding.UTF8.GetBytes($"{{\"{options.TimeKey}\":");
        _metrics = metrics;
        _suffixes = new PerFile<byte[]>(file => [(byte)'"', .. RecordSuffix.Build(file, pod)]);
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

    /// <summary>
    /// Writes the line straight into the output: the message, the parsed fields and the time go from
    /// the record's bytes to the output once. Only a line over the limit (rare) is taken apart again
    /// from what was written, and split or truncated.
    /// </summary>
    public void Write(PreparedRecord record, OutputBuffer output)
    {
        var suffix = _suffixes[record.File];
        var parsed = record.Parsed;
        var flags = record.Flags;
        var start = output.Length;
        output.Write(_timeOpen);
        var time = output.Length;
        WriteTime(record.ReadTime, parsed, output);
        var message = Line.MessageOpen.Length + output.Length;
        output.Write(Line.MessageOpen);
        WriteMessage(record.Text, parsed, output);
        var messageEnd = output.Length;
        output.Write(suffix);
        var extra = output.Length;
        WriteExtra(record.ReadTime, parsed, output);
        var extraEnd = output.Length;
        Line.WriteFlagsAndEnd(output, flags, split: default);
        if (output.Length - start <= _options.MaxRecordBytes)
        {
            return;
        }

        // Over the limit: the pieces are copied out of the output before it is rewound and they are laid out again.
        var timeCopy = Copy(output.Slice(time, message - Line.MessageOpen.Length - time), _timeCopy);
        var escaped = Copy(output.Slice(message, messageEnd - message), _escaped);
        var extraCopy = Copy(output.Slice(extra, extraEnd - extra), _extraCopy);
        output.Rewind(start);
        WriteOversize(record, output, new Piece(timeCopy, escaped, suffix, extraCopy, flags));
    }

    private static ReadOnlySpan<byte> Copy(ReadOnlySpan<byte> bytes, ScratchBuffer scratch)
    {
        var copy = scratch.Get(bytes.Length);
        bytes.CopyTo(copy);
        return copy.AsSpan(0, bytes.Length);
    }

    private void WriteOversize(PreparedRecord record, OutputBuffer output, Piece piece)
    {
        if (_options.Split)
        {
            WriteSplit(record, output, piece);
            return;
        }

        var flags = piece.Flags | RecordFlags.Truncated;
        var room = Math.Max(0, _options.MaxRecordBytes - Line.Overhead(_timeOpen, piece.Time, piece.Suffix, piece.Extra, flags, splitId: null));
        var cut = JsonEscaper.SafeCut(piece.Message, room);
        _metrics.Dropped(DropReason.RecordTooLarge, piece.Message.Length - cut);
        Line.Write(output, _timeOpen, piece.Time, piece.Message[..cut], piece.Suffix, piece.Extra, flags, split: default);
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
    private static void WriteMessage(ReadOnlySpan<byte> text, ParsedRecord? parsed, OutputBuffer output)
    {
        if (parsed is { Error: null })
        {
            if (parsed.Message is not { } range)
            {
                return;
            }

            if (parsed.MessageEscaped)
            {
                output.Write(parsed[range]);
                return;
            }

            text = parsed[range];
        }

        output.WriteEscaped(text);
    }

    private void WriteTime(DateTimeOffset readTime, ParsedRecord? parsed, OutputBuffer output)
    {
        if (parsed?.Time is { } time)
        {
            output.WriteTime(time, ParsedTimeDigits);
            return;
        }

        RememberReadTime(readTime);
        output.Write(_readTimeMember.AsSpan(ReadTimeKey.Length));
    }

    private static ReadOnlySpan<byte> ReadTimeKey => ",\"read_time\":"u8;

    // Records of a batch share their read time: format it once, as the read_time member.
    private void RememberReadTime(DateTimeOffset readTime)
    {
        if (readTime != _readTimeFor)
        {
            _readTimeText.Rewind(0);
            _readTimeText.WriteTime(readTime, ReadTimeDigits);
            _readTimeMember = [.. ReadTimeKey, .. _readTimeText.Slice(0, _readTimeText.Length)];
            _readTimeFor = readTime;
        }
    }

    /// <summary>What parsing added after the file and pod fields, as JSON members each led by a comma.</summary>
    private void WriteExtra(DateTimeOffset readTime, ParsedRecord? parsed, OutputBuffer output)
    {
        if (parsed is null)
        {
            return;
        }

        if (parsed.Time is not null)
        {
            RememberReadTime(readTime);
            output.Write(_readTimeMember);
        }

        if (parsed.Severity.IsKnown)
        {
            output.Write(SeverityMembers[parsed.Severity.Number]);
        }

        var fields = parsed.Fields;
        if (parsed.FieldsAsWritten is { } allFields)
        {
            output.Write(",\"fields\":{"u8);
            output.Write(parsed[allFields]);
            output.Write("}"u8);
        }
        else if (fields.Length > 0)
        {
            output.Write(",\"fields\":{"u8);
            for (var i = 0; i < fields.Length; i++)
            {
                if (i > 0)
                {
                    output.Write(","u8);
                }

                var run = parsed.CompactRun(i, out var asWritten);
                if (run >= 0)
                {
                    output.Write(asWritten);
                    i = run;
                    continue;
                }

                var field = fields[i];
                output.Write("\""u8);
                if (field.KeyEscaped)
                {
                    output.Write(parsed[field.Key]);
                }
                else
                {
                    output.WriteEscaped(parsed[field.Key]);
                }

                if (field.IsJson)
                {
                    output.Write("\":"u8);
                    output.Write(parsed[field.Value]);
                }
                else
                {
                    output.Write("\":\""u8);
                    output.WriteEscaped(parsed[field.Value]);
                    output.Write("\""u8);
                }
            }

            output.Write("}"u8);
        }

        if (parsed.Error is { } error)
        {
            output.Write(",\"parse_error\":\""u8);
            output.WriteEscaped(Encoding.UTF8.GetBytes(error));
            output.Write("\""u8);
        }
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

        public static ReadOnlySpan<byte> MessageOpen => ",\"message\":\""u8;

        private static ReadOnlySpan<byte> Truncated => ",\"truncated\":true"u8;

        private static ReadOnlySpan<byte> Unterminated => ",\"unterminated\":true"u8;

        private static ReadOnlySpan<byte> SplitOpen => ",\"split\":{\"id\":\""u8;

        public static int Overhead(byte[] timeOpen, ReadOnlySpan<byte> time, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> extra, RecordFlags flags, byte[]? splitId) =>
            timeOpen.Length + time.Length + MessageOpen.Length + suffix.Length + extra.Length + FlagsLength(flags) + 2
            + (splitId is null ? 0 : SplitOpen.Length + splitId.Length + SplitTail);

        public static void Write(OutputBuffer output, byte[] timeOpen, ReadOnlySpan<byte> time, ReadOnlySpan<byte> message, ReadOnlySpan<byte> suffix, ReadOnlySpan<byte> extra, RecordFlags flags, SplitInfo split)
        {
            output.Write(timeOpen);
            output.Write(time);
            output.Write(MessageOpen);
            output.Write(message);
            output.Write(suffix);
            output.Write(extra);
            WriteFlagsAndEnd(output, flags, split);
        }

        /// <summary>The flags, the split object of a piece and the line's end.</summary>
        public static void WriteFlagsAndEnd(OutputBuffer output, RecordFlags flags, SplitInfo split)
        {
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
