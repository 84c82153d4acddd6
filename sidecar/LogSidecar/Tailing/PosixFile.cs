using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// The libc calls that opening files from a volume someone else writes needs and .NET does not
/// offer: <c>realpath</c> (every link on the way resolved), and <c>open</c> with
/// <c>O_NOFOLLOW | O_NONBLOCK</c>, so that a link swapped in at the last moment is refused and a FIFO
/// cannot block the caller.
/// </summary>
internal static partial class PosixFile
{
    /// <summary>errno of an <c>O_NOFOLLOW</c> open whose last component is a symbolic link.</summary>
    public const int TooManyLinks = 40;

    /// <summary>errno of a path that does not exist (any more).</summary>
    public const int NoSuchFile = 2;

    // PATH_MAX on Linux, the size realpath(3) writes into.
    private const int PathMax = 4096;

    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    // O_NOFOLLOW is the one open flag whose value differs between x86_64 and arm64.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 0x20000 : 0x8000;

    /// <summary>
    /// Opens <paramref name="path"/> for reading without following a link in its last component and
    /// without blocking (a FIFO opens at once instead of waiting for a writer). Null with the errno on failure.
    /// </summary>
    public static SafeFileHandle? OpenNoFollow(string path, out int errno)
    {
        var fd = Native.Open(path, ReadOnly | NoFollow | NonBlocking | NoControllingTerminal | CloseOnExec);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        errno = 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The absolute path with every symbolic link, <c>.</c> and <c>..</c> resolved; false if it does not resolve.</summary>
    public static bool TryRealPath(string path, [NotNullWhen(true)] out string? real)
    {
        Span<byte> buffer = stackalloc byte[PathMax];
        if (Native.RealPath(path, ref MemoryMarshal.GetReference(buffer)) == 0)
        {
            real = null;
            return false;
        }

        var length = buffer.IndexOf((byte)0);
        real = Encoding.UTF8.GetString(buffer[..(length < 0 ? PathMax : length)]);
        return true;
    }

    /// <summary>
    /// Where the kernel says an open file is (<c>/proc/self/fd/N</c>): the truth about what was opened,
    /// whatever happened to the path since. Null where /proc is not mounted.
    /// </summary>
    public static string? OpenedPath(SafeFileHandle handle)
    {
        try
        {
            return new FileInfo(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{handle.DangerousGetHandle()}")).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The C library's text for an errno.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static partial class Native
    {
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial nint RealPath(string path, ref byte resolved);
    }
}
