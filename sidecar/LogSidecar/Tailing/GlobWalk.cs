using System.IO.Enumeration;
using LogSidecar.Diagnostics;

namespace LogSidecar.Tailing;

/// <summary>
/// One listing of a glob's directory tree, safe in a tree someone else controls. Only directories
/// where the glob can still match are entered; a directory link is entered only when it resolves
/// under the glob's directory, never when it leads back to a directory the walk is already inside
/// (a loop), and each directory at most once per match state (device + inode), so many links to one
/// directory cost one listing. Depth and the number of entries looked at are bounded, and the walk
/// stops as soon as <c>cancel</c> fires.
/// </summary>
internal sealed class GlobWalk(PathGlob glob, ScanLimits limits, IWalkVisitor visitor, CancellationToken cancel)
{
    private static readonly EnumerationOptions ListingOptions = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    // The directories from the glob's directory down to the one being listed: entering one of them again is a loop.
    private readonly List<(ulong Device, ulong Inode, string Path)> _ancestors = [];
    private readonly HashSet<(ulong Device, ulong Inode, ulong State)> _visited = [];
    private int _entries;
    private WalkOutcome _stoppedBy = WalkOutcome.Complete;

    public WalkResult Run()
    {
        var root = glob.BaseDirectory;
        if (!PosixFile.TryRealPath(root, out var real) || !PosixStat.TryGet(real, out var stat, out _) || stat.Kind != FileKind.Directory)
        {
            return new(WalkOutcome.NoDirectory);
        }

        if (!string.Equals(real, root, StringComparison.Ordinal))
        {
            return new(WalkOutcome.DirectoryIsLink, real);
        }

        Enter(root, stat, 0, glob.Start);
        return new(_stoppedBy);
    }

    private void Enter(string path, PosixStat stat, int depth, ulong state)
    {
        var ancestor = _ancestors.FindIndex(a => a.Device == stat.Device && a.Inode == stat.Inode);
        if (ancestor >= 0)
        {
            visitor.Skipped(path, SkipReason.Loop, _ancestors[ancestor].Path);
            return;
        }

        if (depth > limits.MaxDepth)
        {
            visitor.Skipped(path, SkipReason.TooDeep, glob.BaseDirectory);
            return;
        }

        if (!_visited.Add((stat.Device, stat.Inode, state)))
        {
            // Reached before by another path in the same state: its matches were found then.
            return;
        }

        _ancestors.Add((stat.Device, stat.Inode, path));
        List(path, depth, state);
        _ancestors.RemoveAt(_ancestors.Count - 1);
    }

    private void List(string directory, int depth, ulong state)
    {
        // Only names that can still match are materialised; every entry counts against the limit.
        var listing = new FileSystemEnumerable<(string Name, bool IsDirectory, bool IsLink)>(
            directory,
            (ref entry) => (entry.FileName.ToString(), entry.IsDirectory, (entry.Attributes & FileAttributes.ReparsePoint) != 0),
            ListingOptions)
        {
            ShouldIncludePredicate = (ref entry) => ++_entries > limits.MaxEntries || cancel.IsCancellationRequested || glob.Step(state, entry.FileName) != 0,
        };

        using var entries = Open(listing, directory);
        while (_stoppedBy == WalkOutcome.Complete && entries is not null && Next(entries, directory))
        {
            if (cancel.IsCancellationRequested)
            {
                _stoppedBy = WalkOutcome.Cancelled;
                break;
            }

            if (_entries > limits.MaxEntries)
            {
                _stoppedBy = WalkOutcome.EntryLimit;
                break;
            }

            var (name, isDirectory, isLink) = entries.Current;
            var next = glob.Step(state, name);
            var path = directory == "/" ? "/" + name : directory + "/" + name;
            if (isLink)
            {
                FollowLink(path, depth, next);
            }
            else if (isDirectory)
            {
                // lstat: a directory swapped for a link since the listing is treated as the link it now is.
                if (glob.CanDescend(next) && PosixStat.TryGetNoFollow(path, out var stat, out _))
                {
                    if (stat.Kind == FileKind.Directory)
                    {
                        Enter(path, stat, depth + 1, next);
                    }
                    else if (stat.Kind == FileKind.SymbolicLink)
                    {
                        FollowLink(path, depth, next);
                    }
                }
            }
            else if (glob.Accepts(next))
            {
                visitor.File(path);
            }
        }
    }

    private void FollowLink(string path, int depth, ulong next)
    {
        // A dangling link, or one that vanished: nothing to read.
        if (!PosixFile.TryRealPath(path, out var real) || !PosixStat.TryGet(real, out var target, out _))
        {
            return;
        }

        if (target.Kind != FileKind.Directory)
        {
            if (glob.Accepts(next))
            {
                // The caller resolves and checks it again right before opening.
                visitor.File(path);
            }
        }
        else if (glob.CanDescend(next))
        {
            // The glob's directory itself counts as inside: a link back to it is a loop, reported as one.
            if (glob.Contains(real) || string.Equals(real, glob.BaseDirectory, StringComparison.Ordinal))
            {
                Enter(path, target, depth + 1, next);
            }
            else
            {
                visitor.Skipped(path, SkipReason.OutsideRoot, real);
            }
        }
    }

    // The directory is opened by GetEnumerator and read by MoveNext: either may fail.
    private IEnumerator<(string, bool, bool)>? Open(FileSystemEnumerable<(string Name, bool IsDirectory, bool IsLink)> listing, string directory)
    {
        try
        {
            return listing.GetEnumerator();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(directory, e);
            return null;
        }
    }

    private bool Next(IEnumerator<(string, bool, bool)> entries, string directory)
    {
        try
        {
            return entries.MoveNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(directory, e);
            return false;
        }
    }

    private void Failed(string directory, Exception e)
    {
        // A directory removed while being walked has nothing to offer any more; anything else is worth saying.
        if (e is not DirectoryNotFoundException)
        {
            visitor.Unlistable(directory, e.Message);
        }
    }
}
