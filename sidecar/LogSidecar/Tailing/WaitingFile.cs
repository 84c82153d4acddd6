namespace LogSidecar.Tailing;

/// <summary>
/// A file that waits for a descriptor (<c>tailing.maxOpenFiles</c>): where discovery last saw it, by
/// which stream and glob, and what it was then. Opened through <see cref="FileGate"/> when its turn
/// comes, which checks that the path still holds the same file.
/// </summary>
internal sealed record WaitingFile(WatchedStream Stream, PathGlob Glob, string Path, PosixStat Stat);
