using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Text;

namespace LogSidecar.Parsing;

/// <summary>
/// Prepares each record once, before it fans out to its outputs: makes its bytes valid UTF-8
/// (counting replaced bytes) and runs its stream's parser (counting records that do not parse), so
/// a record sent to stdout and a backend is checked, parsed and counted once.
/// </summary>
internal sealed class RecordPreparer
{
    private readonly SidecarMetrics _metrics;
    private readonly PerFile<IRecordParser?> _parsers;
    private readonly ScratchBuffer _sanitized = new(4096);
    private readonly ParsedRecord _parsed = new();
    private readonly PreparedRecord _record = new();

    /// <param name="parsers">Each stream's parser, by stream name; null (or absent) where no output reads fields.</param>
    /// <param name="metrics">Where invalid UTF-8 and parse errors are counted.</param>
    public RecordPreparer(IReadOnlyDictionary<string, IRecordParser?> parsers, SidecarMetrics metrics)
    {
        _metrics = metrics;
        _parsers = new PerFile<IRecordParser?>(file => parsers.GetValueOrDefault(file.Stream));
    }

    /// <summary>The prepared record, valid until the next call.</summary>
    public PreparedRecord Prepare(LineBatch batch, in LineRecord line)
    {
        var text = Valid(new ArraySegment<byte>(batch.Buffer, line.Start, line.Length));
        var parser = _parsers[batch.File];
        if (parser is null)
        {
            _record.Set(batch, line, text, parsed: null);
            return _record;
        }

        _parsed.Reset(text);
        if (!parser.Parse(_parsed, batch.ReadTime))
        {
            _parsed.KeepOnlyError();
            _metrics.ParseError(batch.File.Stream);
        }

        _record.Set(batch, line, text, _parsed);
        return _record;
    }

    // Array segments rather than memory: records live in arrays (a batch's buffer, the scratch here), and a segment's span is not looked up.
    private ArraySegment<byte> Valid(ArraySegment<byte> bytes)
    {
        if (Utf8Sanitizer.IsValid(bytes))
        {
            return bytes;
        }

        var buffer = _sanitized.Get(Utf8Sanitizer.MaxOutputLength(bytes.Count));
        var length = Utf8Sanitizer.Sanitize(bytes, buffer, out var replaced);
        _metrics.InvalidUtf8(replaced);
        return new ArraySegment<byte>(buffer, 0, length);
    }
}
