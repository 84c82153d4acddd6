using LogSidecar.Parsing;

namespace LogSidecar.Sinks.Formatting;

/// <summary>Turns one record of a batch into one or more output lines.</summary>
internal interface IRecordFormatter
{
    /// <summary>An upper bound of the bytes <see cref="Write"/> may produce for the record.</summary>
    int WorstCaseBytes(PreparedRecord record);

    void Write(PreparedRecord record, OutputBuffer output);
}
