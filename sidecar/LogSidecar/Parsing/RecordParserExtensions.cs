using LogSidecar.Diagnostics;

namespace LogSidecar.Parsing;

/// <summary>The rule every output shares when a record does not parse: it keeps only the error, passes through as plain text, and is counted.</summary>
internal static class RecordParserExtensions
{
    public static void ParseOrKeepError(this IRecordParser parser, ReadOnlySpan<byte> text, DateTimeOffset readTime, ParsedRecord record, SidecarMetrics metrics, string stream)
    {
        record.Reset();
        if (!parser.Parse(text, readTime, record))
        {
            var error = record.Error;
            record.Reset();
            record.Error = error;
            metrics.ParseError(stream);
        }
    }
}
