using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// An open new file and hashes of its first bytes, computed once per length asked (fingerprints of
/// different files may cover different lengths). Null for a length the file does not have yet.
/// </summary>
internal sealed class FirstBytes(SafeFileHandle handle, PosixStat stat)
{
    private readonly Dictionary<int, ulong?> _hashes = [];

    public SafeFileHandle Handle { get; } = handle;

    public long Size { get; } = stat.Size;

    public ulong Device { get; } = stat.Device;

    public ulong Inode { get; } = stat.Inode;

    public ulong? Hash(int length)
    {
        if (!_hashes.TryGetValue(length, out var hash))
        {
            hash = length <= Size && Fingerprint.Read(Handle, length) is var (read, value) && read == length ? value : null;
            _hashes[length] = hash;
        }

        return hash;
    }
}
