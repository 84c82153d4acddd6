using LogSidecar.Pipeline;

namespace LogSidecar.Output;

/// <summary>Turns one record of a batch into one or more output lines.</summary>
internal interface IRecordFormatter
{
    void Write(LineBatch batch, in LineRecord record, OutputBuffer output);
}
