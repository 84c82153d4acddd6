using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// Writes the line as read (made valid UTF-8), one per output line. Lines over the limit are cut at
/// character boundaries into several lines (split; raw has nowhere to put a reassembly key) or truncated.
/// </summary>
internal sealed class RawRecordFormatter(OutputOptions options, SidecarMetrics metrics) : IRecordFormatter
{
    public int WorstCaseBytes(PreparedRecord record)
    {
        var length = record.Text.Length;
        return length + (length / Math.Max(1, options.MaxRecordBytes - 4) + 1);
    }

    public void Write(PreparedRecord record, OutputBuffer output)
    {
        var text = record.Text;
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
