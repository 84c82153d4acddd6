using System.Runtime.InteropServices;

namespace LogSidecar.TestSupport;

/// <summary>Sends POSIX signals; <see cref="System.Diagnostics.Process.Kill()"/> only knows SIGKILL.</summary>
public static partial class Signals
{
    public const int SigTerm = 15;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
