using System.Runtime.InteropServices;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// fsync of a directory, so that a file just created in it survives a crash of the node, not only its
/// content (.NET opens no directory handle, so this comes from libc).
/// </summary>
internal static partial class DirectorySync
{
    /// <summary>Flushes the directory's entries; the errno when it fails.</summary>
    public static int Flush(string directory)
    {
        var fd = Native.Open(directory, DirectoryFlag);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        try
        {
            return Native.FSync(fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            _ = Native.Close(fd);
        }
    }

    // O_DIRECTORY is 0x10000 on x86_64 and 0x4000 on arm64; O_RDONLY is 0.
    private static int DirectoryFlag => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x10000 : 0x4000;

    private static partial class Native
    {
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static partial int FSync(int fd);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int fd);
    }
}
