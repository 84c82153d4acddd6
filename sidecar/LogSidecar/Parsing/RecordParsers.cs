using LogSidecar.Contracts.Configuration;
using LogSidecar.Text;

namespace LogSidecar.Parsing;

/// <summary>The parser for a stream's format; null for plain, where the line is the message.</summary>
internal static class RecordParsers
{
    public static IRecordParser? Create(StreamConfig stream, RegexUse regexUse)
    {
        var timestamps = new TimestampParser(stream.TimeFormats);
        var keys = new WellKnownKeys(stream);
        return stream.Format switch
        {
            RecordFormats.Json => new JsonLineParser(keys, timestamps),
            RecordFormats.Logfmt => new LogfmtParser(keys, timestamps),
            RecordFormats.Regex => new RegexParser(stream.Regex!, timestamps, regexUse),
            RecordFormats.Klog => new KlogParser(new LogfmtParser(keys, timestamps)),
            RecordFormats.KubernetesAudit => new KubernetesAuditParser(),
            _ => null,
        };
    }
}
