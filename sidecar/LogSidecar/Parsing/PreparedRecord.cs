using LogSidecar.Pipeline;

namespace LogSidecar.Parsing;

/// <summary>
/// One record as every output reads it, made once by <see cref="RecordPreparer"/> before the record
/// fans out to stdout and the backends: its text as valid UTF-8, what its stream's parser found, its
/// time and severity, and where it came from. Reused for the next record: outputs copy what they
/// keep while they append it.
/// </summary>
internal sealed class PreparedRecord
{
    private ArraySegment<byte> _text;

    public LineBatch Batch { get; private set; } = null!;

    /// <summary>Where the record is in its batch and its file, and its flags.</summary>
    public LineRecord Line { get; private set; }

    public TrackedFile File => Batch.File;

    public DateTimeOffset ReadTime => Batch.ReadTime;

    public RecordFlags Flags => Line.Flags;

    /// <summary>The record's bytes as valid UTF-8: as read when they were, else with each bad byte replaced.</summary>
    public ReadOnlySpan<byte> Text => _text;

    /// <summary>
    /// The parse result; null when the stream is plain (or none of its outputs reads fields). A record
    /// that did not parse keeps only its <see cref="ParsedRecord.Error"/>.
    /// </summary>
    public ParsedRecord? Parsed { get; private set; }

    /// <summary>The record's own time when it had one, else when it was read.</summary>
    public DateTimeOffset Time => Parsed?.Time ?? Batch.ReadTime;

    public Severity Severity => Parsed?.Severity ?? default;

    public void Set(LineBatch batch, in LineRecord line, ArraySegment<byte> text, ParsedRecord? parsed)
    {
        Batch = batch;
        Line = line;
        _text = text;
        Parsed = parsed;
    }
}
