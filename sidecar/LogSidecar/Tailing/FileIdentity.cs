using System.Globalization;

namespace LogSidecar.Tailing;

/// <summary>
/// Who a file is, independent of its name: device + inode, plus a hash of its first
/// <see cref="FingerprintLength"/> bytes so that a reused inode or a rewritten file is not taken
/// for the old one. A short file's fingerprint covers what it had; it is widened as the file grows.
/// </summary>
internal sealed record FileIdentity(ulong Device, ulong Inode, int FingerprintLength, ulong FingerprintHash)
{
    /// <summary>Stable text key, used in record ids and split reassembly keys.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Device:x}-{Inode:x}-{FingerprintHash:x16}");

    public bool SameInode(PosixStat stat) => stat.Device == Device && stat.Inode == Inode;
}
