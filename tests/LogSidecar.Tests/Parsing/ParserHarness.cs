using System.Text;
using System.Text.Json;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Parsing;
using LogSidecar.Text;

namespace LogSidecar.Tests.Parsing;

/// <summary>Runs a stream's parser on one line and shows the result as plain values.</summary>
internal static class ParserHarness
{
    public static readonly DateTimeOffset ReadTime = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static Parsed Parse(StreamConfig stream, string line)
    {
        var parser = RecordParsers.Create(stream, RegexUse.None) ?? throw new InvalidOperationException("plain has no parser");
        var record = new ParsedRecord();
        var ok = Run(parser, Encoding.UTF8.GetBytes(line), record);
        var fields = record.Fields.ToArray().ToDictionary(
            f => Text(record[f.Key], f.KeyEscaped),
            f => Encoding.UTF8.GetString(record[f.Value]));
        var message = record.Message is { } range ? Text(record[range], record.MessageEscaped) : null;
        return new Parsed(ok, record.Time, record.Severity.Text, message, fields, record.Error);
    }

    /// <summary>Parses <paramref name="text"/> into <paramref name="record"/> as the preparer does.</summary>
    public static bool Run(IRecordParser parser, ReadOnlySpan<byte> text, ParsedRecord record)
    {
        record.Reset(text.ToArray());
        return parser.Parse(record, ReadTime);
    }

    public static StreamConfig Stream(string format, string? regex = null) =>
        new() { Name = "app", Paths = ["/logs/*.log"], Format = format, Regex = regex };

    private static string Text(ReadOnlySpan<byte> bytes, bool escaped) =>
        escaped ? JsonSerializer.Deserialize<string>("\"" + Encoding.UTF8.GetString(bytes) + "\"")! : Encoding.UTF8.GetString(bytes);
}

internal sealed record Parsed(bool Ok, DateTimeOffset? Time, string Severity, string? Message, Dictionary<string, string> Fields, string? Error);
