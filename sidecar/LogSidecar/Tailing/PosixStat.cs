using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// The fields of <c>stat(2)</c> that file identity and rotation detection need. .NET exposes no
/// inode or link count, so they come from libc; st_dev and st_ino sit at offsets 0 and 8 on both
/// x86_64 and arm64, st_nlink and st_size differ.
/// </summary>
internal readonly partial record struct PosixStat(ulong Device, ulong Inode, ulong LinkCount, long Size)
{
    // struct stat is 144 bytes on x86_64 and 128 on arm64: a buffer that fits both.
    private const int StatBufferSize = 256;

    public static bool TryGet(string path, out PosixStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var result = Native.Stat(path, ref MemoryMarshal.GetReference(buffer));
        return Decode(result, buffer, out stat, out errno);
    }

    public static bool TryGet(SafeFileHandle handle, out PosixStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var result = Native.FStat((int)handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(buffer));
        return Decode(result, buffer, out stat, out errno);
    }

    private static bool Decode(int result, ReadOnlySpan<byte> buffer, out PosixStat stat, out int errno)
    {
        if (result != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            return false;
        }

        errno = 0;
        var device = MemoryMarshal.Read<ulong>(buffer);
        var inode = MemoryMarshal.Read<ulong>(buffer[8..]);
        ulong links;
        long size;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            links = MemoryMarshal.Read<ulong>(buffer[16..]);
            size = MemoryMarshal.Read<long>(buffer[48..]);
        }
        else
        {
            // Generic layout (arm64): st_mode and st_nlink are 32-bit, st_size at 48.
            links = MemoryMarshal.Read<uint>(buffer[20..]);
            size = MemoryMarshal.Read<long>(buffer[48..]);
        }

        stat = new PosixStat(device, inode, links, size);
        return true;
    }

    private static partial class Native
    {
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Stat(string path, ref byte buffer);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
        public static partial int FStat(int fd, ref byte buffer);
    }
}
