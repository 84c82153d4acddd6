using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// Writes the line as read (made valid UTF-8), one per output line. Lines over the limit are cut at
/// character boundaries into several lines (split; raw has nowhere to put a reassembly key) or truncated.
/// </summary>
internal sealed class RawRecordFormatter(OutputOptions options, SidecarMetrics metrics) : IRecordFormatter
{
    private readonly MessageText _text = new(metrics);

    public int WorstCaseBytes(LineBatch batch, in LineRecord record)
    {
        var sanitized = Utf8Sanitizer.MaxOutputLength(record.Length);
        return sanitized + (sanitized / Math.Max(1, options.MaxRecordBytes - 4) + 1);
    }

    public void Write(LineBatch batch, in LineRecord record, OutputBuffer output)
    {
        var text = _text.Valid(batch.Bytes(record));
        var room = options.MaxRecordBytes - 1;
        if (text.Length > room)
        {
            if (!options.Split)
            {
                metrics.Dropped(DropReason.RecordTooLarge, text.Length - room);
                text = text[..Utf8Sanitizer.CharacterCut(text, room)];
            }
            else
            {
                metrics.RecordSplit();
            }
        }

        while (true)
        {
            var cut = Utf8Sanitizer.CharacterCut(text, room);
            output.Write(text[..cut]);
            output.Write("\n"u8);
            text = text[cut..];
            if (text.IsEmpty)
            {
                return;
            }
        }
    }
}
