using LogSidecar.Pipeline;

namespace LogSidecar.Tailing;

/// <summary>
/// What a file held before it was truncated (copytruncate, or truncate-and-rewrite): its identity then
/// (first bytes, origin), how far it had been read, the marks of its reads, and how many bytes it was
/// seen to have. A file found later with the same first bytes and the same bytes at a mark is a copy
/// of it, read only past what was read here.
/// </summary>
/// <param name="Identity">The file's identity before the truncation.</param>
/// <param name="ReadEnd">Everything before this offset was read (and handed on, or delivered).</param>
/// <param name="Seen">The largest size the file was seen to have: bytes past <paramref name="ReadEnd"/> existed and were not read.</param>
/// <param name="Marks">The marks of its reads.</param>
/// <param name="Path">Where it was, for messages.</param>
/// <param name="File">The tracked file whose acknowledgements tell how much of it was delivered; null when loaded from a checkpoint.</param>
/// <param name="Acknowledged">Delivered up to here when it was loaded from a checkpoint.</param>
internal sealed record TruncatedContent(FileIdentity Identity, long ReadEnd, long Seen, ReadMark[] Marks, string Path, TrackedFile? File, long Acknowledged = 0)
{
    /// <summary>Complete scans it has waited through for its copy.</summary>
    public int Scans { get; set; }

    /// <summary>Which of its file's contents this was (<see cref="FileTailer.Generation"/>); -1 when loaded from a checkpoint.</summary>
    public int Generation { get; init; } = -1;

    /// <summary>Everything before this was delivered: a copy resumed here repeats nothing that was, and loses nothing that was not.</summary>
    public long Delivered
    {
        get
        {
            if (File is null)
            {
                return Acknowledged;
            }

            // Acknowledgements of its last batches may still arrive; once the new content's arrive, all of it was.
            var acknowledged = File.Acknowledged;
            return acknowledged is not null && acknowledged.Device == Identity.Device && acknowledged.Inode == Identity.Inode
                && acknowledged.FingerprintHash == Identity.FingerprintHash && acknowledged.FingerprintLength == Identity.FingerprintLength
                ? Math.Min(acknowledged.Offset, ReadEnd)
                : ReadEnd;
        }
    }

    /// <summary>The saved form (<see cref="FileCheckpoint.Truncated"/>), at what was delivered.</summary>
    public FileCheckpoint ToCheckpoint(long unixMilliseconds)
    {
        var mark = Marks.Length > 0 ? Marks[^1] : default;
        return new FileCheckpoint(Identity.Device, Identity.Inode, Identity.FingerprintLength, Identity.FingerprintHash, Delivered, Path, unixMilliseconds)
        {
            OriginDevice = Identity.OriginDevice,
            OriginInode = Identity.OriginInode,
            MarkEnd = mark.End,
            MarkWindow = mark.Window,
            MarkHash = mark.Hash,
            Truncated = true,
        };
    }

    /// <summary>Content a checkpoint describes that its file no longer has (truncated while the sidecar was away), or a truncated content saved as such.</summary>
    public static TruncatedContent From(FileCheckpoint checkpoint)
    {
        var identity = new FileIdentity(checkpoint.Device, checkpoint.Inode, checkpoint.FingerprintLength, checkpoint.FingerprintHash)
        {
            OriginDevice = checkpoint.OriginDevice,
            OriginInode = checkpoint.OriginInode,
        };
        ReadMark[] marks = checkpoint.MarkWindow > 0 ? [new(checkpoint.MarkEnd, checkpoint.MarkWindow, checkpoint.MarkHash)] : [];
        var end = Math.Max(checkpoint.Offset, checkpoint.MarkEnd);
        return new TruncatedContent(identity, end, end, marks, checkpoint.Path, File: null, checkpoint.Offset);
    }
}
