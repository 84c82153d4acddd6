using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Sinks.Stdout;

/// <summary>
/// The records' stdout, as a stream that reports a reader that went away. The console stream of
/// <see cref="Console.OpenStandardOutput()"/> treats EPIPE as success, so records would be counted
/// written and acknowledged though nobody got them. A <see cref="FileStream"/> over descriptor 1
/// calls write() and throws on EPIPE (.NET ignores SIGPIPE, so the write fails instead of killing the
/// process). A regular file (<c>&gt; out.json</c>) keeps the console stream: a FileStream would write
/// at its own offset and overwrite whatever else goes to that file (stderr with <c>2&gt;&amp;1</c>).
/// </summary>
internal static class StandardOutput
{
    public static Stream Open()
    {
#pragma warning disable CA2000 // The stream owns the handle object; the handle does not own descriptor 1 (ownsHandle: false).
        var stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
#pragma warning restore CA2000
        if (!stream.CanSeek)
        {
            return stream;
        }

        stream.Dispose();
        return Console.OpenStandardOutput();
    }
}
