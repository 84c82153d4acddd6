using LogSidecar.Pipeline;

namespace LogSidecar.Sinks.Formatting;

/// <summary>Turns one record of a batch into one or more output lines.</summary>
internal interface IRecordFormatter
{
    /// <summary>An upper bound of the bytes <see cref="Write"/> may produce for the record.</summary>
    int WorstCaseBytes(LineBatch batch, in LineRecord record);

    void Write(LineBatch batch, in LineRecord record, OutputBuffer output);
}
