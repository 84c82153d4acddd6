using LogSidecar.Parsing;

namespace LogSidecar.Delivery;

/// <summary>
/// A destination of records. The delivery loop appends records and flushes. A flush takes what is
/// pending before it returns its task (so the loop may append the next records meanwhile) and its
/// task completes only when every record was delivered or dead-lettered; the loop never starts a
/// second flush of a sink before the first completed.
/// </summary>
internal interface ISink
{
    string Name { get; }

    /// <summary>How long appended records may wait for more before a flush; zero flushes whenever the input runs dry.</summary>
    TimeSpan FlushInterval { get; }

    bool HasPending { get; }

    /// <summary>False when the record would overflow what is pending: the loop flushes first.</summary>
    bool Fits(PreparedRecord record);

    /// <summary>Takes the record (copying what it keeps: the prepared record is reused for the next one).</summary>
    void Append(PreparedRecord record);

    Task FlushAsync(CancellationToken abort);
}
