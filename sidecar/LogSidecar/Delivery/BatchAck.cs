using LogSidecar.Pipeline;

namespace LogSidecar.Delivery;

/// <summary>
/// What acknowledging a batch takes once its bytes have gone: the file and the offset past it.
/// <see cref="Holders"/> counts the pending flushes (one per sink request that holds some of its
/// records, plus one while the loop is still appending it); at zero the batch is delivered.
/// </summary>
internal sealed class BatchAck(LineBatch batch)
{
    private readonly FileIdentity _identity = batch.Identity!;
    private readonly long _endOffset = batch.EndOffset;
    private readonly ReadMark _mark = batch.Mark ?? default;

    public TrackedFile File { get; } = batch.File;

    public int Holders { get; set; } = 1;

    public void Acknowledge(long unixMilliseconds) =>
        File.Acknowledged = new FileCheckpoint(
            _identity.Device, _identity.Inode, _identity.FingerprintLength, _identity.FingerprintHash, _endOffset, File.Path, unixMilliseconds)
        {
            OriginDevice = _identity.OriginDevice,
            OriginInode = _identity.OriginInode,
            MarkEnd = _mark.End,
            MarkWindow = _mark.Window,
            MarkHash = _mark.Hash,
        };
}
