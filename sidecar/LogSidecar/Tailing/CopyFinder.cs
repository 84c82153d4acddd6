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
/// whole. A copy of a file that has not been read up to the copy's end yet waits (standby) until it
/// has, or until the original is truncated first. Owned by the discovery loop.
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

    /// <summary>Copies waiting for their original to reach their end.</summary>
    public int StandbyCount => _standby.Count;

    public bool IsStandby((ulong, ulong) key) => _standby.ContainsKey(key);

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
            var identity = original.Identity;
            var generation = original.Generation;
            var same = original.SamePrefix(file.Handle, size);
            if (same is null)
            {
                using var handle = openResting(original);
                same = handle is null ? null : ContentCompare.SamePrefix(handle, identity, file.Handle, size);
            }

            if (same is null || original.Generation != generation)
            {
                // No descriptor to compare through, or truncated meanwhile: the answer would not hold.
                return (CopyVerdict.Undecided, default);
            }

            if (same == false)
            {
                continue;
            }

            var origin = new CopyStart(size, size, identity.RecordDevice, identity.RecordInode);
            if (original.ReadOffset >= size)
            {
                metrics.CopyRecognized();
                Log.Backup(log, where.Path, original.Path);
                return (CopyVerdict.Copy, origin);
            }

            _standby[(where.Stat.Device, where.Stat.Inode)] = new Standby(where, size, original, generation, origin, original.ReadOffset);
            Log.Standby(log, where.Path, original.Path, original.ReadOffset, size);
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
                return (CopyVerdict.Copy, ledger.Resume(content, size, where.Path));
            }
        }

        return (CopyVerdict.NotACopy, default);
    }

    /// <summary>
    /// After a complete scan: copies on standby whose original has now read past their end are
    /// plain copies (nothing to read); those whose original was truncated or closed first continue it.
    /// Returns the copies to start, with where. <paramref name="isTracked"/> tells whether a tailer still tracks its file.
    /// </summary>
    public List<((ulong Device, ulong Inode) Key, WaitingFile File, CopyStart Start)> Resolve(IReadOnlySet<(ulong, ulong)> seen, Func<FileTailer, bool> isTracked)
    {
        var ready = new List<((ulong, ulong), WaitingFile, CopyStart)>();
        foreach (var (key, standby) in _standby.ToList())
        {
            var original = standby.Original;
            CopyStart? start = null;
            if (!seen.Contains(key))
            {
                _standby.Remove(key);
                continue;
            }

            if (original.Generation != standby.Generation)
            {
                // Truncated before it reached the copy's end: the copy continues where reading stopped.
                // Without its record (forgotten), from what it had certainly read when the copy was compared.
                var content = ledger.Take(original.File, standby.Generation);
                start = content is null
                    ? standby.Origin with { Offset = standby.ReadAtJudge, Acknowledged = 0 }
                    : ledger.Resume(content, standby.Size, standby.File.Path);
            }
            else if (!isTracked(original) || original.ReadOffset >= standby.Size)
            {
                var offset = Math.Min(standby.Size, original.ReadOffset);
                start = standby.Origin with { Offset = offset, Acknowledged = offset };
                metrics.CopyRecognized();
            }

            if (start is { } ready1)
            {
                _standby.Remove(key);
                ready.Add((key, standby.File, ready1));
            }
        }

        return ready;
    }

    // The same first bytes in another file of the same stream: a copy under another stream's globs is that stream's to read.
    private static bool IsCandidate(FirstBytes file, WatchedStream stream, FileTailer tailer) =>
        tailer.File.Stream == stream.Name && IsCandidate(file, tailer.Identity.Device, tailer.Identity.Inode, tailer.Identity.FingerprintLength, tailer.Identity.FingerprintHash);

    private static bool IsCandidate(FirstBytes file, WatchedStream stream, FileCheckpoint saved) =>
        stream.Covers(saved.Path) && IsCandidate(file, saved.Device, saved.Inode, saved.FingerprintLength, saved.FingerprintHash);

    private static bool IsCandidate(FirstBytes file, ulong device, ulong inode, int fingerprintLength, ulong fingerprintHash) =>
        fingerprintLength > 0 && (device, inode) != (file.Device, file.Inode) && file.Hash(fingerprintLength) == fingerprintHash;

    /// <summary>A verified copy of a file being read, waiting until the original has read past <see cref="Size"/>.</summary>
    private sealed record Standby(WaitingFile File, long Size, FileTailer Original, int Generation, CopyStart Origin, long ReadAtJudge);

    private static partial class Log
    {
        [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "{Copy} is a copy of {Original}, which is read past its end already: it is not read again (only what is appended to it later)")]
        public static partial void Backup(ILogger logger, string copy, string original);

        [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "{Copy} is a copy of {Original}, read up to {Offset} of the copy's {Size} bytes so far: the copy waits, and is read only if the original is truncated before reaching its end")]
        public static partial void Standby(ILogger logger, string copy, string original, long offset, long size);
    }
}
