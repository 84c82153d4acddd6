using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// A file held open but not read yet: it is empty, or too short to tell text from a compressed file
/// still being written (gzip creates its output before it writes the header). Held rather than
/// ignored, so that lines written and rotated away before the next poll are not lost.
/// </summary>
internal sealed record ParkedFile(WatchedStream Stream, string Path, SafeFileHandle Handle);
