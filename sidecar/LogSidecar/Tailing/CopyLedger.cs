using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Truncated contents waiting for their copy (copytruncate: the file is copied, then truncated in
/// place). A file found later whose first bytes and bytes at a read mark are those of a truncated
/// content is its copy: it is read only past what had been read of the original, and its records keep
/// the original's ids. The copy exists before the truncation, so a content waits only a few complete
/// scans; one whose copy never turns up (plain truncation, or copies outside the globs) is forgotten,
/// and the bytes it was seen to have but that were never read are counted as lost.
/// </summary>
internal sealed partial class CopyLedger(SidecarMetrics metrics, ILogger log)
{
    /// <summary>Truncated contents remembered at most; the oldest is forgotten first.</summary>
    public const int Capacity = 256;

    /// <summary>
    /// Complete scans a truncated content waits for its copy: the copy exists before the truncation,
    /// so it is judged at the next scan, or the one after when that scan found it undecided (the
    /// truncation not noticed yet); one more spares a slow scan.
    /// </summary>
    public const int ScansToWait = 3;

    // Guards _contents: tailers add when they find their file truncated, discovery matches, ages and saves.
    private readonly Lock _lock = new();
    private readonly List<TruncatedContent> _contents = [];

    public void Add(TruncatedContent content)
    {
        TruncatedContent? forgotten = null;
        lock (_lock)
        {
            if (_contents.Count == Capacity)
            {
                forgotten = _contents[0];
                _contents.RemoveAt(0);
            }

            _contents.Add(content);
        }

        if (forgotten is not null)
        {
            Forget(forgotten);
        }
    }

    /// <summary>True when some truncated content of the stream has these first bytes (<paramref name="fingerprintOf"/> hashes the candidate's first bytes for a length).</summary>
    public bool Has(WatchedStream stream, Func<int, ulong?> fingerprintOf)
    {
        lock (_lock)
        {
            return _contents.Exists(content => IsCandidate(content, stream, fingerprintOf));
        }
    }

    /// <summary>
    /// If <paramref name="file"/> (<paramref name="size"/> bytes, at <paramref name="path"/>) is a copy of a
    /// truncated content, takes that content and says where to read the copy from.
    /// </summary>
    public CopyStart? Match(SafeFileHandle file, long size, string path, WatchedStream stream, Func<int, ulong?> fingerprintOf)
    {
        List<TruncatedContent> candidates;
        lock (_lock)
        {
            candidates = _contents.FindAll(content => IsCandidate(content, stream, fingerprintOf));
        }

        foreach (var content in candidates)
        {
            if (ContentMarks.Matching(file, size, content.Marks) is null)
            {
                continue;
            }

            lock (_lock)
            {
                if (!_contents.Remove(content))
                {
                    // Taken meanwhile (by its copy found through its original).
                    continue;
                }
            }

            metrics.CopyRecognized();
            return Resume(content, size, path);
        }

        return null;
    }

    /// <summary>Takes the content <paramref name="file"/> had in its <paramref name="generation"/>, if it is remembered.</summary>
    public TruncatedContent? Take(TrackedFile file, int generation)
    {
        lock (_lock)
        {
            var index = _contents.FindIndex(content => content.File == file && content.Generation == generation);
            if (index < 0)
            {
                return null;
            }

            var content = _contents[index];
            _contents.RemoveAt(index);
            return content;
        }
    }

    /// <summary>Where a copy of <paramref name="content"/> with <paramref name="size"/> bytes starts; counts what neither file kept (the copy itself is counted by the caller that recognised it).</summary>
    public CopyStart Resume(TruncatedContent content, long size, string copyPath)
    {
        var offset = Math.Min(size, content.ReadEnd);
        Log.Copy(log, copyPath, content.Path, offset, size);
        if (content.ReadEnd > size)
        {
            // Written between the copy and the truncation, and read from the original before it was truncated.
            Log.RaceRead(log, content.Path, content.ReadEnd - size, copyPath);
        }

        var lost = content.Seen - Math.Max(content.ReadEnd, size);
        if (lost > 0)
        {
            metrics.Dropped(DropReason.TruncatedBeforeRead, lost);
            Log.RaceLost(log, content.Path, lost, copyPath);
        }

        return new CopyStart(offset, Math.Min(offset, content.Delivered), content.Identity.RecordDevice, content.Identity.RecordInode);
    }

    /// <summary>After a complete scan: contents whose copy did not turn up are forgotten.</summary>
    public void EndScan()
    {
        List<TruncatedContent> expired;
        lock (_lock)
        {
            foreach (var content in _contents)
            {
                content.Scans++;
            }

            expired = _contents.FindAll(content => content.Scans > ScansToWait);
            _contents.RemoveAll(content => content.Scans > ScansToWait);
        }

        foreach (var content in expired)
        {
            Forget(content);
        }
    }

    /// <summary>The contents still waiting for their copy, as saved with the checkpoints.</summary>
    public List<FileCheckpoint> Pending(long unixMilliseconds)
    {
        lock (_lock)
        {
            return [.. _contents.Select(content => content.ToCheckpoint(unixMilliseconds))];
        }
    }

    /// <summary>The same first bytes, in the same stream (a copy under another stream's globs is that stream's to read).</summary>
    private static bool IsCandidate(TruncatedContent content, WatchedStream stream, Func<int, ulong?> fingerprintOf) =>
        (content.File is null ? stream.Covers(content.Path) : content.File.Stream == stream.Name)
        && fingerprintOf(content.Identity.FingerprintLength) == content.Identity.FingerprintHash;

    private void Forget(TruncatedContent content)
    {
        var lost = content.Seen - content.ReadEnd;
        if (lost > 0)
        {
            metrics.Dropped(DropReason.TruncatedBeforeRead, lost);
            Log.TruncatedUnread(log, content.Path, lost);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "{Copy} is a copy of {Original} as it was before it was truncated (copytruncate): reading it from offset {Offset} of {Size}, where reading the original stopped")]
        public static partial void Copy(ILogger logger, string copy, string original, long offset, long size);

        [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "{Original}: {Bytes} byte(s) were written after the copy {Copy} was taken and before the truncation; they were read from the original in time")]
        public static partial void RaceRead(ILogger logger, string original, long bytes, string copy);

        [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "{Original}: {Bytes} byte(s) written after the copy {Copy} was taken were truncated before they could be read, and are in neither file (the copytruncate race). Rotate by renaming (logrotate create, or the app's own rotation) to lose nothing")]
        public static partial void RaceLost(ILogger logger, string original, long bytes, string copy);

        [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "{Original} was truncated with {Bytes} byte(s) not read yet, and no copy of it was found under the globs; those bytes are lost. With copytruncate, make a glob match the copies (app.log*); better, rotate by renaming")]
        public static partial void TruncatedUnread(ILogger logger, string original, long bytes);
    }
}
