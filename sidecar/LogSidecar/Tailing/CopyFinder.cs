using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Recognises a new file that holds content already tailed, by its content, not its name: a copy
/// made by copytruncate, or a plain backup (<c>cp app.log app.log.bak</c>). A new file whose first
/// bytes are those of a tailed content is compared with it: byte for byte with a file still being
/// read, by read marks with a truncated one (<see cref="CopyLedger"/>) or with a saved position
/// (a restart). A copy is read only past what was read of its original, with the original's record
/// ids; a file that merely starts with the same bytes (a common header) differs further on and is read
/// whole. A copy of a file still being read waits (standby) while it stays a copy of it, what is
/// written to it later included (a copy is written in pieces, and a scan may see any of them), until
/// the original is truncated or closed, or the copy gets bytes of its own. Owned by the discovery loop.
/// </summary>
internal sealed partial class CopyFinder(CopyLedger ledger, CheckpointRegistry registry, int fingerprintBytes, SidecarMetrics metrics, ILogger log)
{
    private readonly Dictionary<(ulong Device, ulong Inode), Standby> _standby = [];

    // Whole fingerprints (fingerprintBytes long) of everything a new file might copy: rebuilt at each
    // scan and added to as files start, so that telling a new file is no copy costs one lookup, not a
    // pass over every file. Shorter contents are not looked for (a copy shorter than that is read whole).
    private readonly HashSet<ulong> _fingerprints = [];

    /// <summary>Where the contents it matches copies against are kept.</summary>
    public CopyLedger Ledger => ledger;

    /// <summary>Copies of files still being read, waiting while they stay copies.</summary>
    public int StandbyCount => _standby.Count;

    /// <summary>True when the file is a copy on standby; notes where and how long the scan found it now.</summary>
    public bool Observe((ulong, ulong) key, WaitingFile now)
    {
        if (!_standby.TryGetValue(key, out var standby))
        {
            return false;
        }

        _standby[key] = standby with { File = now };
        return true;
    }

    /// <summary>Starts the index of first bytes over with the files tailed now and the saved positions.</summary>
    public void Index(IEnumerable<FileIdentity> live)
    {
        _fingerprints.Clear();
        foreach (var identity in live)
        {
            Add(identity.FingerprintLength, identity.FingerprintHash);
        }

        foreach (var saved in registry.Closed())
        {
            Add(saved.FingerprintLength, saved.FingerprintHash);
        }
    }

    /// <summary>A file started: copies of it are looked for from now on.</summary>
    public void Add(FileIdentity identity) => Add(identity.FingerprintLength, identity.FingerprintHash);

    /// <summary>Cheap first test: does any tailed, truncated or saved content start with the file's first bytes?</summary>
    public bool MightBeCopy(FirstBytes file, WatchedStream stream) =>
        file.Hash(fingerprintBytes) is { } hash && (_fingerprints.Contains(hash) || ledger.Has(stream, file.Hash));

    /// <summary>
    /// A file shorter than the fingerprint whose bytes are all the first bytes of a file of the stream
    /// being read: what a copy looks like when a scan catches it just begun. Compared byte for byte
    /// with the open tailers (a resting one has no descriptor to compare through).
    /// </summary>
    public bool BeginsLikeTailed(FirstBytes file, WatchedStream stream, Func<IEnumerable<FileTailer>> live) =>
        file.Size < fingerprintBytes
        && live().Any(tailer => tailer.File.Stream == stream.Name
            && (tailer.Identity.Device, tailer.Identity.Inode) != (file.Device, file.Inode)
            && tailer.SameBytes(file.Handle, 0, file.Size) == true);

    private void Add(int length, ulong hash)
    {
        if (length == fingerprintBytes)
        {
            _fingerprints.Add(hash);
        }
    }

    /// <summary>
    /// Judges a new file (open in <paramref name="file"/>) against everything it might copy.
    /// <paramref name="openResting"/> opens a resting original by its path when a descriptor is free.
    /// </summary>
    public (CopyVerdict Verdict, CopyStart Start) Judge(
        FirstBytes file,
        WaitingFile where,
        IReadOnlyCollection<FileTailer> live,
        Func<FileTailer, SafeFileHandle?> openResting,
        Func<(ulong, ulong), bool> isWaiting)
    {
        var size = file.Size;

        // Truncated contents: the original's bytes are gone, its read marks remain.
        if (ledger.Match(file.Handle, size, where.Path, where.Stream, file.Hash) is { } resumed)
        {
            return (CopyVerdict.Copy, resumed);
        }

        // Files still being read: compared byte for byte up to the new file's size.
        foreach (var original in live.Where(tailer => IsCandidate(file, where.Stream, tailer)))
        {
            var generation = original.Generation;
            var same = Compare(original, generation, file.Handle, 0, size, openResting);
            if (same is null)
            {
                // No descriptor to compare through, or truncated meanwhile: the answer would not hold.
                return (CopyVerdict.Undecided, default);
            }

            if (same == false)
            {
                continue;
            }

            var identity = original.Identity;
            var origin = new CopyStart(size, size, identity.RecordDevice, identity.RecordInode);
            _standby[(where.Stat.Device, where.Stat.Inode)] = new Standby(where, size, original, generation, origin, original.ReadOffset);
            metrics.CopyRecognized();
            Log.Standby(log, where.Path, original.Path, size);
            return (CopyVerdict.Standby, default);
        }

        // Saved positions of files not open (after a restart: the file was truncated or removed meanwhile).
        foreach (var saved in registry.Closed().Where(saved => IsCandidate(file, where.Stream, saved) && saved.MarkWindow > 0))
        {
            if (isWaiting((saved.Device, saved.Inode)))
            {
                // Its own file has yet to be opened and may still hold these bytes.
                return (CopyVerdict.Undecided, default);
            }

            var content = TruncatedContent.From(saved);
            if (ContentMarks.Matching(file.Handle, size, content.Marks) is not null && registry.Take(saved.Device, saved.Inode) is not null)
            {
                metrics.CopyRecognized();
                return (CopyVerdict.Copy, ledger.Resume(content, size, where.Path));
            }
        }

        return (CopyVerdict.NotACopy, default);
    }

    /// <summary>
    /// After a complete scan: a copy on standby whose original was truncated continues it (read past
    /// what was read of the original); one whose original is no longer tracked is read past what was
    /// read of it; one that grew is compared again over what it gained, and stays on standby while it
    /// holds the original's bytes, or is read from there on once it holds bytes of its own. Returns the
    /// copies to start, with where. <paramref name="isTracked"/> tells whether a tailer still tracks its
    /// file, <paramref name="openCopy"/> opens a copy to compare it.
    /// </summary>
    public List<((ulong Device, ulong Inode) Key, WaitingFile File, CopyStart Start)> Resolve(
        IReadOnlySet<(ulong, ulong)> seen,
        Func<FileTailer, bool> isTracked,
        Func<WaitingFile, SafeFileHandle?> openCopy,
        Func<FileTailer, SafeFileHandle?> openResting)
    {
        var ready = new List<((ulong, ulong), WaitingFile, CopyStart)>();
        foreach (var (key, standby) in _standby.ToList())
        {
            if (!seen.Contains(key))
            {
                _standby.Remove(key);
                continue;
            }

            if (Decide(standby, isTracked, openCopy, openResting) is { } start)
            {
                _standby.Remove(key);
                ready.Add((key, standby.File, start));
            }
        }

        return ready;
    }

    private CopyStart? Decide(Standby standby, Func<FileTailer, bool> isTracked, Func<WaitingFile, SafeFileHandle?> openCopy, Func<FileTailer, SafeFileHandle?> openResting)
    {
        var original = standby.Original;
        var size = standby.File.Stat.Size;
        if (original.Generation != standby.Generation)
        {
            // Truncated (copytruncate): the copy continues where reading stopped. Without its record
            // (forgotten), from what it had certainly read when the copy was first compared.
            var content = ledger.Take(original.File, standby.Generation);
            return content is null
                ? standby.Origin with { Offset = standby.ReadAtJudge, Acknowledged = 0 }
                : ledger.Resume(content, size, standby.File.Path);
        }

        if (!isTracked(original))
        {
            // Closed (drained and gone): what it had not read is the copy's to read.
            var offset = Math.Min(size, original.ReadOffset);
            return standby.Origin with { Offset = offset, Acknowledged = offset };
        }

        if (size == standby.Size)
        {
            return null;
        }

        bool? same;
        using (var copy = size > standby.Size ? openCopy(standby.File) : null)
        {
            same = size < standby.Size ? false : copy is null ? null : Compare(original, standby.Generation, copy, standby.Size, size, openResting);
        }

        if (same == true)
        {
            _standby[(standby.File.Stat.Device, standby.File.Stat.Inode)] = standby with { Size = size };
            return null;
        }

        if (same is null)
        {
            // No descriptor to compare through, or the original is not that far yet: again at the next scan.
            return null;
        }

        // Bytes of its own (or cut short): read from where it stopped being a copy.
        Log.Diverged(log, standby.File.Path, original.Path, standby.Size);
        return standby.Origin with { Offset = standby.Size, Acknowledged = standby.Size };
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> holds the original's bytes from <paramref name="from"/> up to
    /// <paramref name="end"/>, through the tailer's descriptor or, resting, one opened for it; null when
    /// there is no answer that holds (no descriptor, the original is not that long yet, or truncated meanwhile).
    /// </summary>
    private static bool? Compare(FileTailer original, int generation, SafeFileHandle candidate, long from, long end, Func<FileTailer, SafeFileHandle?> openResting)
    {
        var same = original.SameBytes(candidate, from, end);
        if (same is null)
        {
            using var handle = openResting(original);
            same = handle is null ? null : ContentCompare.SameBytes(handle, original.Identity, candidate, from, end);
        }

        return original.Generation == generation ? same : null;
    }

    // The same first bytes in another file of the same stream: a copy under another stream's globs is that stream's to read.
    private static bool IsCandidate(FirstBytes file, WatchedStream stream, FileTailer tailer) =>
        tailer.File.Stream == stream.Name && IsCandidate(file, tailer.Identity.Device, tailer.Identity.Inode, tailer.Identity.FingerprintLength, tailer.Identity.FingerprintHash);

    private static bool IsCandidate(FirstBytes file, WatchedStream stream, FileCheckpoint saved) =>
        stream.Covers(saved.Path) && IsCandidate(file, saved.Device, saved.Inode, saved.FingerprintLength, saved.FingerprintHash);

    private static bool IsCandidate(FirstBytes file, ulong device, ulong inode, int fingerprintLength, ulong fingerprintHash) =>
        fingerprintLength > 0 && (device, inode) != (file.Device, file.Inode) && file.Hash(fingerprintLength) == fingerprintHash;

    /// <summary>
    /// A copy of a file being read, verified up to <see cref="Size"/>; <see cref="File"/> is where and
    /// how long the last scan found it.
    /// </summary>
    private sealed record Standby(WaitingFile File, long Size, FileTailer Original, int Generation, CopyStart Origin, long ReadAtJudge);

    private static partial class Log
    {
        [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "{Copy} is a copy of {Original} ({Size} bytes so far): it is not read while it stays one (what is copied to it later included); if the original is truncated first (copytruncate), the copy is read past what was read of the original")]
        public static partial void Standby(ILogger logger, string copy, string original, long size);

        [LoggerMessage(EventId = 26, Level = LogLevel.Information, Message = "{Copy}, a copy of {Original}, now holds bytes of its own past offset {Offset}: it is read from there")]
        public static partial void Diverged(ILogger logger, string copy, string original, long offset);
    }
}
