namespace LogSidecar.Tailing;

/// <summary>
/// Where a copy of already-tailed content starts: reading at <see cref="Offset"/> (what came before
/// was read from the original), its checkpoint at <see cref="Acknowledged"/> until its own records are
/// delivered (what the original had not delivered yet is repeated after a crash, never lost), and
/// record ids that name the original (<see cref="OriginDevice"/>, <see cref="OriginInode"/>).
/// </summary>
internal readonly record struct CopyStart(long Offset, long Acknowledged, ulong OriginDevice, ulong OriginInode);
