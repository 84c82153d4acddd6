namespace LogSidecar.Parsing;

/// <summary>Parses one record's text (valid UTF-8) into <see cref="ParsedRecord"/>.</summary>
internal interface IRecordParser
{
    /// <summary>False with <see cref="ParsedRecord.Error"/> set when the text does not have the format.</summary>
    bool Parse(ReadOnlySpan<byte> text, DateTimeOffset readTime, ParsedRecord record);
}
