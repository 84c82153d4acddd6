using LogSidecar.Pipeline;

namespace LogSidecar.Checkpoints;

/// <summary>
/// What <see cref="CheckpointStore.Load"/> found: no file yet (the very first start), the saved
/// positions, or a file that cannot be used and why.
/// </summary>
internal sealed record CheckpointLoad(IReadOnlyList<FileCheckpoint>? Checkpoints, string? Problem)
{
    public static CheckpointLoad None { get; } = new(null, null);

    public static CheckpointLoad Loaded(IReadOnlyList<FileCheckpoint> checkpoints) => new(checkpoints, null);

    public static CheckpointLoad Unusable(string problem) => new(null, problem);
}
