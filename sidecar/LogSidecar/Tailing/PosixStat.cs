using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// The fields of <c>stat(2)</c> that file identity, rotation detection and discovery need. .NET
/// exposes no inode, link count or file type bits, so they come from libc; st_dev and st_ino sit at
/// offsets 0 and 8 on both x86_64 and arm64, st_mode, st_nlink and st_size differ.
/// </summary>
internal readonly partial record struct PosixStat(ulong Device, ulong Inode, ulong LinkCount, long Size, uint Mode)
{
    // struct stat is 144 bytes on x86_64 and 128 on arm64: a buffer that fits both.
    private const int StatBufferSize = 256;

    public static bool TryGet(string path, out PosixStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var result = Native.Stat(path, ref MemoryMarshal.GetReference(buffer));
        return Decode(result, buffer, out stat, out errno);
    }

    /// <summary>Like <see cref="TryGet(string, out PosixStat, out int)"/>, but a symbolic link is described itself, not followed.</summary>
    public static bool TryGetNoFollow(string path, out PosixStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var result = Native.LStat(path, ref MemoryMarshal.GetReference(buffer));
        return Decode(result, buffer, out stat, out errno);
    }

    public static bool TryGet(SafeFileHandle handle, out PosixStat stat, out int errno)
    {
        Span<byte> buffer = stackalloc byte[StatBufferSize];
        var result = Native.FStat((int)handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(buffer));
        return Decode(result, buffer, out stat, out errno);
    }

    /// <summary>Last modification (st_mtim), in Unix milliseconds.</summary>
    public long ModifiedUnixMs { get; init; }

    /// <summary>The file type, from the S_IFMT bits of st_mode.</summary>
    public FileKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Other,
    };

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
        uint mode;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            // x86_64: st_nlink (64-bit) at 16, st_mode at 24.
            links = MemoryMarshal.Read<ulong>(buffer[16..]);
            mode = MemoryMarshal.Read<uint>(buffer[24..]);
        }
        else
        {
            // Generic layout (arm64): st_mode and st_nlink are 32-bit, at 16 and 20.
            mode = MemoryMarshal.Read<uint>(buffer[16..]);
            links = MemoryMarshal.Read<uint>(buffer[20..]);
        }

        var size = MemoryMarshal.Read<long>(buffer[48..]);

        // st_mtim (seconds, nanoseconds) sits at 88 on both layouts.
        var modified = (MemoryMarshal.Read<long>(buffer[88..]) * 1000) + (MemoryMarshal.Read<long>(buffer[96..]) / 1_000_000);
        stat = new PosixStat(device, inode, links, size, mode) { ModifiedUnixMs = modified };
        return true;
    }

    private static partial class Native
    {
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Stat(string path, ref byte buffer);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int LStat(string path, ref byte buffer);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
        public static partial int FStat(int fd, ref byte buffer);
    }
}
