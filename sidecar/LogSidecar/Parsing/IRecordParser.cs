namespace LogSidecar.Parsing;

/// <summary>Parses one record's text (<see cref="ParsedRecord.Source"/>, valid UTF-8) into the record.</summary>
internal interface IRecordParser
{
    /// <summary>False with <see cref="ParsedRecord.Error"/> set when the text does not have the format.</summary>
    bool Parse(ParsedRecord record, DateTimeOffset readTime);
}
