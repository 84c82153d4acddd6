using LogSidecar.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Opens a discovered file only when it is a regular file whose real path lies under the glob's
/// directory. The path is resolved and checked, the resolved path is opened without following a link
/// in its last component and without blocking, and the open handle is checked again (type, identity,
/// and where the kernel says it is), so a link or FIFO swapped in between check and open cannot make
/// the sidecar read something else, or hang.
/// </summary>
internal static class FileGate
{
    /// <param name="glob">The glob that matched; its directory is the root nothing may escape.</param>
    /// <param name="path">The path as discovered (it may be a link).</param>
    /// <param name="stat">What <paramref name="path"/> pointed at when it was looked at (links followed).</param>
    public static OpenAttempt Open(PathGlob glob, string path, PosixStat stat)
    {
        if (stat.Kind != FileKind.Regular)
        {
            return OpenAttempt.Skip(SkipReason.NotRegular, Describe(stat.Kind));
        }

        if (!PosixFile.TryRealPath(path, out var real))
        {
            return OpenAttempt.Gone;
        }

        if (!glob.Contains(real))
        {
            return OpenAttempt.Skip(SkipReason.OutsideRoot, real);
        }

        SafeFileHandle? handle = null;
        try
        {
            handle = PosixFile.OpenNoFollow(real, out var errno);
            if (handle is null)
            {
                // A link or a removal since realpath: the next poll looks again.
                return errno is PosixFile.TooManyLinks or PosixFile.NoSuchFile
                    ? OpenAttempt.Gone
                    : new(OpenOutcome.Failed, Detail: PosixFile.Describe(errno));
            }

            var verdict = Verify(glob, handle, stat);
            if (verdict.Outcome != OpenOutcome.Opened)
            {
                return verdict;
            }

            // Ownership passes to the caller.
            var opened = handle;
            handle = null;
            return new(OpenOutcome.Opened, opened, Detail: real);
        }
        finally
        {
            handle?.Dispose();
        }
    }

    /// <summary>How a non-regular file is named in messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "not a regular file",
    };

    private static OpenAttempt Verify(PathGlob glob, SafeFileHandle handle, PosixStat expected)
    {
        if (!PosixStat.TryGet(handle, out var opened, out _))
        {
            return OpenAttempt.Gone;
        }

        if (opened.Kind != FileKind.Regular)
        {
            return OpenAttempt.Skip(SkipReason.NotRegular, Describe(opened.Kind));
        }

        if (opened.Device != expected.Device || opened.Inode != expected.Inode)
        {
            // Replaced since it was looked at: look again at the next poll.
            return OpenAttempt.Gone;
        }

        // Where /proc is mounted (every container), the kernel's own answer settles any race on the way.
        var where = PosixFile.OpenedPath(handle);
        return where is not null && !glob.Contains(where)
            ? OpenAttempt.Skip(SkipReason.OutsideRoot, where)
            : new(OpenOutcome.Opened);
    }
}
