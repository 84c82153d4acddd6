using LogSidecar.Pipeline;

namespace LogSidecar.Sinks;

/// <summary>
/// A destination of records. The delivery loop appends records and flushes; a flush returns only
/// when every appended record was delivered or dead-lettered, so the loop may then acknowledge them.
/// </summary>
internal interface ISink
{
    string Name { get; }

    /// <summary>How long appended records may wait for more before a flush; zero flushes whenever the input runs dry.</summary>
    TimeSpan FlushInterval { get; }

    bool HasPending { get; }

    /// <summary>False when the record would overflow what is pending: the loop flushes first.</summary>
    bool Fits(LineBatch batch, in LineRecord record);

    void Append(LineBatch batch, in LineRecord record);

    Task FlushAsync(CancellationToken abort);
}
