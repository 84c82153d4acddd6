using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LogSidecar.Tests;

/// <summary>Real non-regular files, as an app could leave them in the shared volume.</summary>
internal static partial class SpecialFiles
{
    /// <summary>A named pipe (mkfifo(3)); opening it for reading blocks until a writer appears.</summary>
    public static void MakeFifo(string path)
    {
        if (MkFifo(path, 0b110_100_100) != 0)
        {
            throw new InvalidOperationException($"mkfifo({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>A Unix domain socket bound at <paramref name="path"/>; the file stays while the socket lives.</summary>
    public static Socket BindSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int MkFifo(string path, uint mode);
}
