namespace LogSidecar.Sources.Audit;

/// <summary>One batch's lines waiting for the spool's writer, and where its outcome goes.</summary>
internal sealed class SpoolWrite(ReadOnlyMemory<byte> lines, int events)
{
    public ReadOnlyMemory<byte> Lines { get; } = lines;

    public int Events { get; } = events;

    public TaskCompletionSource<SpoolOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
