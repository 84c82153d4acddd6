using LogSidecar.Diagnostics;

namespace LogSidecar.Pipeline;

/// <summary>
/// What the rest of the pipeline knows about one open file: its name and stream, the last
/// acknowledged position (written by the output, read by the checkpointer) and its size (for lag).
/// </summary>
internal sealed class TrackedFile(string path, string stream) : ILaggingFile
{
    private FileCheckpoint? _acknowledged;
    private long _size;

    public string Path { get; } = path;

    public string Stream { get; } = stream;

    /// <summary>Everything before this position was accepted by the output. Replaced atomically as a whole.</summary>
    public FileCheckpoint? Acknowledged
    {
        get => Volatile.Read(ref _acknowledged);
        set => Volatile.Write(ref _acknowledged, value);
    }

    /// <summary>Last size seen by the reader; the difference to the acknowledged offset is the lag.</summary>
    public long Size
    {
        get => Volatile.Read(ref _size);
        set => Volatile.Write(ref _size, value);
    }

    public long LagBytes => Math.Max(0, Size - (Acknowledged?.Offset ?? 0));
}
