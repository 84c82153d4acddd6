using System.Buffers;

namespace LogSidecar.Parsing;

/// <summary>logfmt records: time, severity and message keys are recognised; other pairs become text fields.</summary>
internal sealed class LogfmtParser(WellKnownKeys keys, TimestampParser timestamps) : IRecordParser
{
    public bool Parse(ParsedRecord record, DateTimeOffset readTime)
    {
        var text = record.Source;
        var buffer = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            return ParsePairs(new LogfmtScanner(text, buffer), readTime, record, requirePair: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Adds the pairs of <paramref name="scanner"/> to the record; shared with klog's structured tail.</summary>
    public bool ParsePairs(LogfmtScanner scanner, DateTimeOffset readTime, ParsedRecord record, bool requirePair)
    {
        var pairs = 0;
        int timeRank = int.MaxValue, levelRank = int.MaxValue, messageRank = int.MaxValue;
        string? error;
        while (scanner.Next(out error))
        {
            pairs += scanner.HasEquals ? 1 : 0;
            var key = scanner.Key;
            var value = scanner.Value;
            var roles = keys.Find(key);
            var rank = roles.Time;
            if (rank >= 0 && rank < timeRank && timestamps.TryParse(value, readTime, out var time))
            {
                (timeRank, record.Time) = (rank, time);
                continue;
            }

            rank = roles.Level;
            if (rank >= 0 && rank < levelRank && SeverityParser.Parse(value) is { IsKnown: true } severity)
            {
                (levelRank, record.Severity) = (rank, severity);
                continue;
            }

            rank = roles.Message;
            if (rank >= 0 && rank < messageRank)
            {
                messageRank = rank;
                record.SetMessage(value, escaped: false);
                continue;
            }

            record.AddField(key, keyEscaped: false, value, FieldKind.Text);
        }

        if (error is not null)
        {
            record.Error = error;
            return false;
        }

        if (requirePair && pairs == 0)
        {
            record.Error = "no key=value pairs";
            return false;
        }

        return true;
    }
}
