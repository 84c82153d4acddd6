namespace LogSidecar.Checkpoints;

/// <summary>The on-disk form of the checkpoint directory's <c>checkpoints.json</c>.</summary>
internal sealed record CheckpointFile(int Version, List<FileCheckpoint> Files)
{
    public const int CurrentVersion = 1;
}
