using System.Runtime.InteropServices;

namespace LogWriter;

/// <summary>A file descriptor opened with O_APPEND: every write lands at the current end, even after truncation.</summary>
internal sealed partial class AppendFile : IDisposable
{
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int AppendFlag = 0x400;
    private const int Mode = 0x1A4; // 0644

    private readonly string _path;
    private int _fd;

    public AppendFile(string path)
    {
        _path = path;
        _fd = OpenAppend(path);
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var written = Write(_fd, ref MemoryMarshal.GetReference(bytes), (nint)bytes.Length);
            if (written < 0)
            {
                throw new IOException($"write failed: errno {Marshal.GetLastPInvokeError()}");
            }

            bytes = bytes[(int)written..];
        }
    }

    /// <summary>Cuts the file to nothing through this descriptor, as logrotate's copytruncate does.</summary>
    public void Truncate()
    {
        if (FTruncate(_fd, 0) != 0)
        {
            throw new IOException($"ftruncate failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Reopen()
    {
        _ = Close(_fd);
        _fd = OpenAppend(_path);
    }

    public void Dispose() => Close(_fd);

    private static int OpenAppend(string path)
    {
        var fd = Open(path, WriteOnly | Create | AppendFlag, Mode);
        return fd >= 0 ? fd : throw new IOException($"open {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial nint Write(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);
}
