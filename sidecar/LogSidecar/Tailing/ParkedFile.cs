using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// An opened file not tailed yet. One that is empty, or too short to tell text from a compressed
/// file still being written (gzip creates its output before it writes the header), is held like this
/// until its first bytes arrive: held rather than ignored, so that lines written and rotated away
/// before the next poll are not lost.
/// </summary>
internal sealed record ParkedFile(WatchedStream Stream, PathGlob Glob, string Path, SafeFileHandle Handle);
