using System.Text.Json.Serialization;

namespace LogSidecar.Pipeline;

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
    long UpdatedUnixMs)
{
    /// <summary>For a copy recognised by its content: the file its bytes were first read from (record ids name it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong OriginDevice { get; init; }

    /// <summary>See <see cref="OriginDevice"/>; 0 when the bytes were first read from this file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong OriginInode { get; init; }

    /// <summary>Where the last read ended; with <see cref="MarkWindow"/> and <see cref="MarkHash"/>, what the file held just before (a copy must hold the same).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long MarkEnd { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int MarkWindow { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong MarkHash { get; init; }

    /// <summary>
    /// Content that was truncated (copytruncate) before a copy of it was found: kept so that the copy,
    /// found after a restart, is still read only past <see cref="Offset"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Truncated { get; init; }
}
