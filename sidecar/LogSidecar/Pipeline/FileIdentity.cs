using System.Globalization;

namespace LogSidecar.Pipeline;

/// <summary>
/// Who a file is, independent of its name: device + inode, plus a hash of its first
/// <see cref="FingerprintLength"/> bytes so that a reused inode or a rewritten file is not taken
/// for the old one. A short file's fingerprint covers what it had; it is widened as the file grows.
/// A copy recognised by its content (copytruncate) names the file its bytes were first tailed in:
/// records keep that file's ids, so a backend that deduplicates by id stores a repeated record once.
/// </summary>
internal sealed record FileIdentity(ulong Device, ulong Inode, int FingerprintLength, ulong FingerprintHash)
{
    /// <summary>Device of the file these bytes were first tailed in; 0 when it is this file.</summary>
    public ulong OriginDevice { get; init; }

    /// <summary>Inode of the file these bytes were first tailed in; 0 when it is this file.</summary>
    public ulong OriginInode { get; init; }

    /// <summary>The device that record ids name: the origin's.</summary>
    public ulong RecordDevice => OriginInode == 0 ? Device : OriginDevice;

    /// <summary>The inode that record ids name: the origin's.</summary>
    public ulong RecordInode => OriginInode == 0 ? Inode : OriginInode;

    /// <summary>Stable text key, used in record ids and split reassembly keys.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Device:x}-{Inode:x}-{FingerprintHash:x16}");

    public bool SameInode(ulong device, ulong inode) => device == Device && inode == Inode;

    /// <summary>Same first bytes: what a copy must share with the content it copies.</summary>
    public bool SameFingerprint(FileIdentity other) =>
        other.FingerprintLength == FingerprintLength && other.FingerprintHash == FingerprintHash;
}
