namespace LogSidecar.Checkpoints;

/// <summary>
/// A file's identity and the offset up to which every record was acknowledged. Persisted as JSON
/// in the checkpoint directory.
/// </summary>
internal sealed record FileCheckpoint(
    ulong Device,
    ulong Inode,
    int FingerprintLength,
    ulong FingerprintHash,
    long Offset,
    string Path,
    long UpdatedUnixMs);
