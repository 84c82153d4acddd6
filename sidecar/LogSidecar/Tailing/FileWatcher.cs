using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Discovery by polling (no inotify: its per-user limit is shared by every container on the node).
/// Each poll walks the globs (<see cref="GlobWalk"/>), opens every regular file (device + inode) not
/// yet open through <see cref="FileGate"/>, starts a <see cref="FileTailer"/> for it unless it is a
/// compressed copy, and detaches tailers whose file is no longer at any watched path, so they drain
/// and close. The volume belongs to the app: whatever it puts there is skipped with one message, never
/// followed out of the glob's directory, never allowed to block or to grow without bound.
/// <para>
/// At most <c>tailing.maxOpenFiles</c> descriptors are held (tailers and files held to be classified).
/// Files beyond it wait in line (<see cref="WaitingLine"/>); while any wait, a tailer that has read its
/// file to the end gives its descriptor up and rests, and is opened again, from its position and after
/// its identity is checked, once discovery sees the file grow. A file rotated away or deleted cannot be
/// opened again by name, so it keeps its descriptor until it is drained.
/// </para>
/// </summary>
internal sealed partial class FileWatcher(
    IReadOnlyList<WatchedStream> streams,
    string checkpointDirectory,
    CheckpointRegistry registry,
    bool firstStart,
    TailingOptions options,
    ReadBufferPool buffers,
    ChannelWriter<LineBatch> output,
    SidecarMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers) : IWalkVisitor
{
    private readonly ILogger _log = loggers.CreateLogger<FileWatcher>();
    private readonly ILogger _tailerLog = loggers.CreateLogger<FileTailer>();
    private readonly string _checkpointPrefix = checkpointDirectory.TrimEnd('/') + "/";

    // Guards _open, _resting, _tasks, _turnEnded and _stopped: discovery adds, resumes and detaches;
    // a tailer whose turn ends moves itself from _open to _resting (or away) and wakes discovery; once
    // shutdown has set _stopped no tailer is added.
    private readonly Lock _lock = new();
    private readonly Dictionary<(ulong Device, ulong Inode), FileTailer> _open = [];
    private readonly Dictionary<(ulong Device, ulong Inode), FileTailer> _resting = [];
    private readonly List<Task> _tasks = [];
    private TaskCompletionSource _turnEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopped;

    // Owned by the discovery loop, which runs one scan at a time.
    private readonly Dictionary<(ulong Device, ulong Inode), ParkedFile> _parked = [];
    private readonly WaitingLine _waiting = new();

    // Files too short to classify that gave their descriptor up to waiting files, by the size they had.
    private readonly Dictionary<(ulong Device, ulong Inode), (WaitingFile File, long Size)> _short = [];
    private readonly Dictionary<(ulong Device, ulong Inode), long> _compressed = [];

    // Copies recognised by content (copytruncate, backups): where each starts, and new files that
    // might be copies, judged once the walk has seen every file they might copy.
    private readonly CopyFinder _finder = new(
        new CopyLedger(metrics, loggers.CreateLogger<CopyLedger>()), registry, options.FingerprintBytes, metrics, loggers.CreateLogger<CopyFinder>());
    private readonly Dictionary<(ulong Device, ulong Inode), CopyStart> _starts = [];
    private readonly List<((ulong Device, ulong Inode) Key, WaitingFile File)> _deferred = [];
    private bool _walking;
    private readonly ReportedOnce _reported = new();
    private readonly HashSet<(ulong Device, ulong Inode)> _seen = [];
    private bool _isFirstScan = true;
    private bool _once;

    /// <summary>
    /// How long a new file that is only the first bytes of a tailed one, shorter than the fingerprint,
    /// waits for more before it is read whole: a copy being written grows within it, a pause longer
    /// than a copy's normally takes.
    /// </summary>
    private static readonly TimeSpan ShortCopyQuiet = TimeSpan.FromSeconds(2);
    private WatchedStream? _stream;
    private PathGlob? _glob;
    private int _matched;
    private CancellationToken _drain;
    private CancellationToken _abort;

    // Written by discovery, read by the readiness probe, the metrics and the tailers.
    private volatile bool _started;
    private volatile bool _othersWaiting;

    /// <summary>Set once the first scan has finished (readiness).</summary>
    public bool Started => _started;

    /// <summary>Descriptors of tailed files held now (tailers and files held to be classified).</summary>
    public int OpenFiles
    {
        get
        {
            lock (_lock)
            {
                return _open.Count + _parkedCount;
            }
        }
    }

    /// <summary>Files waiting for a descriptor now.</summary>
    public int WaitingFiles => _waitingCount;

    // Copies for the metrics endpoint of counts the discovery loop owns.
    private volatile int _parkedCount;
    private volatile int _waitingCount;

    /// <summary>
    /// Polls until <paramref name="drain"/> fires, then waits for every tailer to read its file to
    /// the end, files still waiting for a descriptor included. <paramref name="once"/> stops discovery
    /// after the first scan (read what is there, exit).
    /// </summary>
    public async Task RunAsync(bool once, CancellationToken drain, CancellationToken abort)
    {
        _once = once;
        using var tailersDrain = CancellationTokenSource.CreateLinkedTokenSource(drain);
        foreach (var saved in registry.TakeTruncated())
        {
            _finder.Ledger.Add(TruncatedContent.From(saved));
        }

        registry.PendingTruncated = () => _finder.Ledger.Pending(time.GetUtcNow().ToUnixTimeMilliseconds());

        // Discovery runs apart from the caller: a scan slowed or stuck in the file system must not
        // outlive the budget. Open tailers start draining as soon as drain fires (linked token).
        var discovery = Task.Run(() => DiscoverAsync(once, tailersDrain.Token, abort), CancellationToken.None);
        try
        {
            await discovery.WaitAsync(abort);
            await tailersDrain.CancelAsync();

            // Shutdown or --once: every file is read to its end, those waiting for a descriptor included.
            await DrainWaitingAsync(abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Budget spent (discovery stuck, or too much left to read): what was acknowledged is checkpointed.
        }
        finally
        {
            if (discovery.IsCompleted)
            {
                // Files too short to classify were never read: nothing of theirs is lost by closing them.
                ReleaseParked();
            }
        }

        await tailersDrain.CancelAsync();
        Task[] running;
        lock (_lock)
        {
            _stopped = true;
            running = [.. _tasks];
        }

        await Task.WhenAll(running);
    }

    private async Task DiscoverAsync(bool once, CancellationToken stop, CancellationToken abort)
    {
        var nextScan = time.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var turnEnded = TurnEnded();
            if (time.GetTimestamp() >= nextScan)
            {
                Scan(stop, abort);
                nextScan = time.GetTimestamp() + (long)(options.PollInterval.TotalSeconds * time.TimestampFrequency);
                if (once)
                {
                    return;
                }
            }

            FillTurns();

            // Until the next poll, or until a file gives its descriptor back to one that waits.
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var wait = time.GetElapsedTime(time.GetTimestamp(), nextScan);
            await Task.WhenAny(wait > TimeSpan.Zero ? Task.Delay(wait, time, wake.Token) : Task.CompletedTask, turnEnded);
            await wake.CancelAsync();
        }
    }

    /// <summary>
    /// One discovery pass over every glob; internal so tests can drive it step by step without
    /// <see cref="RunAsync"/>, which calls it with the same tokens.
    /// </summary>
    internal void Scan(CancellationToken drain, CancellationToken abort)
    {
        // Tailers started by this scan (and by the turns that follow it) run under these tokens.
        (_drain, _abort) = (drain, abort);
        _seen.Clear();
        var sawEverything = true;
        var empty = new List<(string Stream, string Glob)>();
        _finder.Index(Live().Select(tailer => tailer.Identity));
        _walking = true;
        foreach (var stream in streams)
        {
            foreach (var glob in stream.Globs)
            {
                (_stream, _glob, _matched) = (stream, glob, 0);
                var result = new GlobWalk(glob, options.Scan, this, drain).Run();
                if (result.Outcome == WalkOutcome.Cancelled)
                {
                    _walking = false;
                    _deferred.Clear();
                    _reported.EndScan(sawEverything: false);
                    return;
                }

                sawEverything &= result.SawEverything;
                Report(glob, result);
                if (_matched == 0)
                {
                    empty.Add((stream.Name, glob.Pattern));
                }
            }
        }

        _walking = false;
        JudgeDeferred();
        ReviewParked(sawEverything);
        lock (_lock)
        {
            _tasks.RemoveAll(task => task.IsCompleted);

            // A scan that stopped early cannot tell a file that went away from one it did not reach.
            foreach (var (key, tailer) in _open)
            {
                if (sawEverything && !_seen.Contains(key))
                {
                    tailer.Detach();
                }
            }
        }

        if (sawEverything)
        {
            ForgetGone();
            _finder.Ledger.EndScan();
        }

        if (_waiting.Count > 0 && _reported.FirstTime("waiting"))
        {
            // Once while files keep waiting, again if they wait again after a while without.
            Log.FilesWait(_log, _waiting.Count, options.MaxOpenFiles);
        }

        if (sawEverything)
        {
            // Copies that start now get in line like any file, opened right after the scan when
            // descriptors are free (so not counted above as files kept waiting).
            foreach (var (key, file, start) in _finder.Resolve(_seen, IsTracked, OpenCopy, OpenResting))
            {
                _starts[key] = start;
                Wait(key, file);
            }
        }

        _reported.EndScan(sawEverything);
        if (_isFirstScan)
        {
            foreach (var (stream, glob) in empty)
            {
                Log.NothingMatches(_log, stream, glob);
            }

            int found;
            lock (_lock)
            {
                found = _open.Count + _resting.Count + _parked.Count + _waiting.Count;
            }

            Log.FirstScan(_log, found);
            _isFirstScan = false;
            _started = true;
        }
    }

    void IWalkVisitor.File(string path)
    {
        _matched++;
        var stream = _stream!;
        if (IsCheckpoint(path) || stream.IsExcluded(path) || !PosixStat.TryGet(path, out var stat, out _))
        {
            // Excluded, or gone (or a dangling link) since it was listed.
            return;
        }

        var key = (stat.Device, stat.Inode);
        var file = new WaitingFile(stream, _glob!, path, stat);
        if (IsKnown(key, file))
        {
            _seen.Add(key);
            return;
        }

        if (_waiting.Count > 0 || FreeDescriptors() <= 0)
        {
            // Its turn comes after the files already waiting.
            _seen.Add(key);
            Wait(key, file);
            return;
        }

        Open(key, file);
    }

    /// <summary>Opens a file not tailed yet through the gate and classifies it; it takes a descriptor while it is held or tailed.</summary>
    private void Open((ulong, ulong) key, WaitingFile file)
    {
        var attempt = FileGate.Open(file.Glob, file.Path, file.Stat);
        switch (attempt.Outcome)
        {
            case OpenOutcome.Skipped:
                Skip(file.Path, attempt.Reason, attempt.Detail!);
                return;
            case OpenOutcome.Failed:
                if (_reported.FirstTime("open:" + file.Path))
                {
                    metrics.FileError();
                    Log.CannotOpen(_log, file.Path, attempt.Detail!);
                }

                return;
            case OpenOutcome.Gone:
                return;
        }

        var handle = attempt.Handle!;
        if (IsCheckpoint(attempt.Detail!))
        {
            handle.Dispose();
            return;
        }

        _seen.Add(key);
        Classify(new ParkedFile(file.Stream, file.Glob, file.Path, handle), key);
    }

    /// <summary>A resting tailer's turn: its file is opened again through the gate and it continues from its position.</summary>
    private void Resume((ulong Device, ulong Inode) key, FileTailer tailer, WaitingFile file)
    {
        var attempt = FileGate.Open(file.Glob, file.Path, file.Stat);
        if (attempt.Outcome != OpenOutcome.Opened)
        {
            // No longer this file at that path: it stays resting until a scan finds it again, or forgets it.
            attempt.Handle?.Dispose();
            return;
        }

        lock (_lock)
        {
            if (_stopped)
            {
                attempt.Handle!.Dispose();
                return;
            }

            _resting.Remove(key);
            tailer.Resume(attempt.Handle!);
            _open[key] = tailer;
            _tasks.Add(RunTailerAsync(tailer, key, _drain, _abort));
        }
    }

    void IWalkVisitor.Skipped(string path, SkipReason reason, string detail) => Skip(path, reason, detail);

    void IWalkVisitor.Unlistable(string path, string reason)
    {
        if (_reported.FirstTime("list:" + path))
        {
            Log.CannotList(_log, path, _glob!.Pattern, reason);
        }
    }

    /// <summary>
    /// Open, resting, waiting, held, or known to be compressed (and not replaced since: a reused inode
    /// starts smaller). A resting file that changed size since its last read, or a short one that grew,
    /// gets in line for a descriptor.
    /// </summary>
    private bool IsKnown((ulong, ulong) key, WaitingFile file)
    {
        var size = file.Stat.Size;
        lock (_lock)
        {
            if (_open.TryGetValue(key, out var tailer))
            {
                // Its reader may be waiting on a slow output and not looking at the file: the listing's
                // size keeps the lag growing with what the app writes meanwhile.
                tailer.SeenAt(file.Path);
                tailer.File.Size = size;
                return true;
            }

            if (_resting.TryGetValue(key, out tailer))
            {
                tailer.SeenAt(file.Path);
                tailer.File.Size = size;
                tailer.Seen(size);
                if (size != tailer.ReadOffset || _waiting.Contains(key))
                {
                    Wait(key, file);
                }

                return true;
            }
        }

        if (_waiting.Contains(key))
        {
            Wait(key, file);
            return true;
        }

        if (_short.TryGetValue(key, out var held))
        {
            if (size > held.Size)
            {
                _short.Remove(key);
                Wait(key, file);
            }

            return true;
        }

        return _parked.ContainsKey(key) || _finder.Observe(key, file) || (_compressed.TryGetValue(key, out var compressedSize) && size >= compressedSize);
    }

    /// <summary>Gets <paramref name="file"/> in line for a descriptor (or notes where it is now, keeping its place).</summary>
    private void Wait((ulong, ulong) key, WaitingFile file)
    {
        _waiting.Add(key, file);
        _waitingCount = _waiting.Count;
        _othersWaiting = true;
    }

    /// <summary>Descriptors free under <c>tailing.maxOpenFiles</c>.</summary>
    private int FreeDescriptors()
    {
        lock (_lock)
        {
            return options.MaxOpenFiles - _open.Count - _parked.Count;
        }
    }

    /// <summary>
    /// Gives descriptors to waiting files, first come first served: resting tailers resume from their
    /// position, new files are opened and classified. Held files that are still too short give their
    /// descriptors up first: nothing of theirs has been read.
    /// </summary>
    private void FillTurns()
    {
        while (_waiting.Count > 0)
        {
            if (FreeDescriptors() <= 0 && !ReleaseParked())
            {
                break;
            }

            _waiting.TryTake(out var key, out var file);
            _waitingCount = _waiting.Count;
            (_stream, _glob) = (file!.Stream, file.Glob);
            FileTailer? resting;
            lock (_lock)
            {
                _resting.TryGetValue(key, out resting);
            }

            if (resting is null)
            {
                Open(key, file);
            }
            else
            {
                Resume(key, resting, file);
            }
        }

        _othersWaiting = _waiting.Count > 0;
    }

    /// <summary>Shutdown or --once: files that wait, and resting ones that grew, are read to their end as descriptors free up.</summary>
    private async Task DrainWaitingAsync(CancellationToken abort)
    {
        ReleaseParked();
        List<((ulong, ulong) Key, FileTailer Tailer)> resting;
        lock (_lock)
        {
            resting = [.. _resting.Select(entry => (entry.Key, entry.Value))];
        }

        foreach (var (key, tailer) in resting)
        {
            if (!_waiting.Contains(key) && PosixStat.TryGet(tailer.Path, out var stat, out _) && (stat.Device, stat.Inode) == key && stat.Size != tailer.ReadOffset)
            {
                Wait(key, new WaitingFile(StreamOf(tailer), GlobOf(tailer), tailer.Path, stat));
            }
        }

        while (true)
        {
            var turnEnded = TurnEnded();
            FillTurns();
            if (_waiting.Count == 0)
            {
                return;
            }

            await turnEnded.WaitAsync(abort);
        }
    }

    /// <summary>Closes held files too short to classify; they get in line again once they grow. False if there were none.</summary>
    private bool ReleaseParked()
    {
        if (_parked.Count == 0)
        {
            return false;
        }

        foreach (var (key, parked) in _parked)
        {
            parked.Handle.Dispose();
            if (PosixStat.TryGet(parked.Path, out var stat, out _) && (stat.Device, stat.Inode) == key)
            {
                _short[key] = (new WaitingFile(parked.Stream, parked.Glob, parked.Path, stat), stat.Size);
            }
        }

        _parked.Clear();
        _parkedCount = 0;
        return true;
    }

    /// <summary>After a complete scan: files not at any watched path any more are forgotten unless open (those drain).</summary>
    private void ForgetGone()
    {
        foreach (var key in _waiting.Keys.Where(key => !_seen.Contains(key)).ToList())
        {
            _waiting.Remove(key, out var file);
            bool resting;
            lock (_lock)
            {
                resting = _resting.ContainsKey(key);
            }

            if (!resting && file!.Stat.Size > 0)
            {
                // Never opened: whatever it held was not read.
                LostBeforeRead(file.Path, file.Stat.Size);
            }
        }

        _waitingCount = _waiting.Count;
        _othersWaiting = _waiting.Count > 0;
        lock (_lock)
        {
            foreach (var (key, tailer) in _resting.Where(entry => !_seen.Contains(entry.Key)).ToList())
            {
                _resting.Remove(key);
                registry.Close(tailer.File, key.Device, key.Inode);
                metrics.Untrack(tailer.File);
                if (tailer.File.Size > tailer.ReadOffset)
                {
                    LostBeforeRead(tailer.Path, tailer.File.Size - tailer.ReadOffset);
                }

                tailer.Dispose();
            }
        }

        foreach (var key in _short.Keys.Concat(_starts.Keys).Where(key => !_seen.Contains(key)).ToList())
        {
            _short.Remove(key);
            _starts.Remove(key);
        }

        foreach (var key in _compressed.Keys.Where(key => !_seen.Contains(key)).ToList())
        {
            _compressed.Remove(key);
        }
    }

    /// <summary>A file that waited for a descriptor was deleted or renamed out of every glob before its bytes were read.</summary>
    private void LostBeforeRead(string path, long bytes)
    {
        metrics.Dropped(DropReason.GoneBeforeRead, bytes);
        Log.GoneBeforeRead(_log, path, bytes, options.MaxOpenFiles);
    }

    private WatchedStream StreamOf(FileTailer tailer) => streams.First(stream => stream.Name == tailer.File.Stream);

    private PathGlob GlobOf(FileTailer tailer) =>
        StreamOf(tailer).Globs.FirstOrDefault(glob => glob.Matches(tailer.Path)) ?? StreamOf(tailer).Globs[0];

    private Task TurnEnded()
    {
        lock (_lock)
        {
            return _turnEnded.Task;
        }
    }

    private bool IsCheckpoint(string path) => path.StartsWith(_checkpointPrefix, StringComparison.Ordinal);

    /// <summary>
    /// By its first bytes, an opened file starts its tailer, is held until it has more, or is skipped
    /// as compressed. The file owns no handle but this one: it is passed on or disposed.
    /// </summary>
    private void Classify(ParkedFile file, (ulong, ulong) key)
    {
        _parked.Remove(key);
        _parkedCount = _parked.Count;
        try
        {
            var start = CompressionSignatures.Read(file.Handle);
            if (start == FileStart.Text)
            {
                Start(file, key);
            }
            else if (start == FileStart.TooShort && !_othersWaiting)
            {
                _parked[key] = file;
                _parkedCount = _parked.Count;
            }
            else if (start == FileStart.TooShort)
            {
                // Others wait for descriptors: look again when it has grown, without holding one.
                PosixStat.TryGet(file.Handle, out var stat, out _);
                file.Handle.Dispose();
                _short[key] = (new WaitingFile(file.Stream, file.Glob, file.Path, stat), stat.Size);
            }
            else
            {
                SkipCompressed(file.Path, key, file.Handle, start);
            }
        }
        catch (IOException e)
        {
            file.Handle.Dispose();
            if (_reported.FirstTime("open:" + file.Path))
            {
                metrics.FileError();
                Log.CannotOpen(_log, file.Path, e.Message);
            }
        }
    }

    /// <summary>
    /// A text file's tailer starts, unless the file holds content already tailed: a copy starts past
    /// what was read of its original, a copy of a file not read that far yet waits (standby). During
    /// the walk a possible copy is set aside, to be judged once every file it might copy was seen.
    /// </summary>
    private void Start(ParkedFile file, (ulong, ulong) key)
    {
        if (_starts.Remove(key, out var known))
        {
            StartTailer(file.Stream, file.Path, file.Handle, known);
            return;
        }

        if (!PosixStat.TryGet(file.Handle, out var stat, out _))
        {
            file.Handle.Dispose();
            return;
        }

        var first = new FirstBytes(file.Handle, stat);
        if (stat.Size == 0 || registry.Has(stat.Device, stat.Inode))
        {
            StartTailer(file.Stream, file.Path, file.Handle);
            return;
        }

        if (!_finder.MightBeCopy(first, file.Stream))
        {
            if (_finder.BeginsLikeTailed(first, file.Stream, Live) && IsBeingWritten(stat))
            {
                // Too short to be told apart (a copy caught as it starts, or a new file's first line
                // that another file has too): opened again at the next poll, until it is longer or quiet.
                file.Handle.Dispose();
                if (_reported.FirstTime("short copy:" + file.Path))
                {
                    Log.MaybeCopyStarting(_log, file.Path, ShortCopyQuiet.TotalMilliseconds);
                }

                return;
            }

            StartTailer(file.Stream, file.Path, file.Handle);
            return;
        }

        var where = new WaitingFile(file.Stream, file.Glob, file.Path, stat);
        if (_walking)
        {
            file.Handle.Dispose();
            _deferred.Add((key, where));
            return;
        }

        var (verdict, copy) = _finder.Judge(first, where, Live(), OpenResting, _waiting.Contains);
        switch (verdict)
        {
            case CopyVerdict.Copy:
                StartTailer(file.Stream, file.Path, file.Handle, copy);
                break;
            case CopyVerdict.NotACopy:
                StartTailer(file.Stream, file.Path, file.Handle);
                break;
            default:
                // Standby (the finder keeps it), or undecided (judged again at the next scan).
                file.Handle.Dispose();
                break;
        }
    }

    /// <summary>
    /// Written to within <see cref="ShortCopyQuiet"/>, so possibly still growing. Never in a <c>--once</c>
    /// run (it reads what is there now), nor for a time ahead of the clock (set by hand), which would hold a file for good.
    /// </summary>
    private bool IsBeingWritten(PosixStat stat)
    {
        var sinceWrite = time.GetUtcNow().ToUnixTimeMilliseconds() - stat.ModifiedUnixMs;
        return !_once && sinceWrite >= 0 && sinceWrite < ShortCopyQuiet.TotalMilliseconds;
    }

    /// <summary>Possible copies set aside during the walk are judged now that every file was seen.</summary>
    private void JudgeDeferred()
    {
        foreach (var (key, file) in _deferred)
        {
            (_stream, _glob) = (file.Stream, file.Glob);
            if (_waiting.Count > 0 || FreeDescriptors() <= 0)
            {
                Wait(key, file);
            }
            else
            {
                Open(key, file);
            }
        }

        _deferred.Clear();
    }

    /// <summary>Every tailer with its file: open and resting.</summary>
    private List<FileTailer> Live()
    {
        lock (_lock)
        {
            return [.. _open.Values.Concat(_resting.Values)];
        }
    }

    private bool IsTracked(FileTailer tailer)
    {
        lock (_lock)
        {
            return _open.ContainsValue(tailer) || _resting.ContainsValue(tailer);
        }
    }

    /// <summary>A resting file opened to compare a possible copy with, when a descriptor is free besides the copy's own.</summary>
    private SafeFileHandle? OpenResting(FileTailer tailer)
    {
        if (FreeDescriptors() <= 1 || !PosixStat.TryGet(tailer.Path, out var stat, out _) || !tailer.Identity.SameInode(stat.Device, stat.Inode))
        {
            return null;
        }

        var attempt = FileGate.Open(GlobOf(tailer), tailer.Path, stat);
        return attempt.Outcome == OpenOutcome.Opened ? attempt.Handle : null;
    }

    /// <summary>A copy on standby opened to compare what it gained since, when a descriptor is free.</summary>
    private SafeFileHandle? OpenCopy(WaitingFile copy)
    {
        if (FreeDescriptors() <= 0)
        {
            return null;
        }

        var attempt = FileGate.Open(copy.Glob, copy.Path, copy.Stat);
        return attempt.Outcome == OpenOutcome.Opened ? attempt.Handle : null;
    }

    /// <summary>Held files whose first bytes have arrived start as text or are skipped as compressed.</summary>
    private void ReviewParked(bool sawEverything)
    {
        foreach (var (key, parked) in _parked.ToList())
        {
            // A file that is no longer at a watched path but now has text starts anyway: the detach
            // below drains it like any rotated file.
            Classify(parked, key);
            if (sawEverything && !_seen.Contains(key) && _parked.Remove(key))
            {
                // Gone from every glob while still (nearly) empty: nothing to drain.
                parked.Handle.Dispose();
                _parkedCount = _parked.Count;
            }
        }
    }

    private void SkipCompressed(string path, (ulong, ulong) key, SafeFileHandle handle, FileStart format)
    {
        _compressed[key] = PosixStat.TryGet(handle, out var stat, out _) ? stat.Size : 0;
        handle.Dispose();
        metrics.Skipped(SkipReason.Compressed);
        Log.Compressed(_log, path, CompressionSignatures.Name(format));
    }

    private void Skip(string path, SkipReason reason, string detail)
    {
        if (!_reported.FirstTime($"{reason}:{path}"))
        {
            return;
        }

        metrics.Skipped(reason);
        var glob = _glob!;
        switch (reason)
        {
            case SkipReason.OutsideRoot:
                Log.OutsideRoot(_log, path, detail, glob.BaseDirectory, glob.Pattern);
                break;
            case SkipReason.NotRegular:
                Log.NotRegular(_log, path, detail);
                break;
            case SkipReason.Loop:
                Log.Loop(_log, path, detail);
                break;
            case SkipReason.TooDeep when _reported.FirstTime("depth:" + glob.Pattern):
                // Every directory is counted; one line per glob says it all.
                Log.TooDeep(_log, path, options.Scan.MaxDepth, detail, glob.Pattern);
                break;
        }
    }

    private void Report(PathGlob glob, WalkResult result)
    {
        switch (result.Outcome)
        {
            case WalkOutcome.DirectoryIsLink when _reported.FirstTime("base:" + glob.Pattern):
                metrics.Skipped(SkipReason.OutsideRoot);
                Log.DirectoryIsLink(_log, glob.Pattern, glob.BaseDirectory, result.Detail!);
                break;
            case WalkOutcome.EntryLimit:
                metrics.ScanCutShort();
                if (_reported.FirstTime("limit:" + glob.Pattern))
                {
                    Log.EntryLimit(_log, glob.Pattern, options.Scan.MaxEntries);
                }

                break;
        }
    }

    private void StartTailer(WatchedStream stream, string path, SafeFileHandle handle, CopyStart? copy = null)
    {
        if (!PosixStat.TryGet(handle, out var stat, out _))
        {
            handle.Dispose();
            return;
        }

        FileTailer tailer;
        long offset;
        var key = (stat.Device, stat.Inode);
        lock (_lock)
        {
            // Checked with the checkpoint taken in the same critical section, so shutdown never loses a taken position.
            if (_stopped)
            {
                handle.Dispose();
                return;
            }

            (var identity, offset) = copy is { } start ? CopyPosition(handle, stat, start) : StartPosition(stream, handle, stat);
            var file = new TrackedFile(path, stream.Name) { Size = stat.Size };
            if (copy is { } copied)
            {
                // Saved from the start: a restart resumes the copy, and repeats what its original had not delivered.
                file.Acknowledged = new FileCheckpoint(
                    identity.Device, identity.Inode, identity.FingerprintLength, identity.FingerprintHash, copied.Acknowledged, path, time.GetUtcNow().ToUnixTimeMilliseconds())
                {
                    OriginDevice = identity.OriginDevice,
                    OriginInode = identity.OriginInode,
                };
            }

            // The tailer owns the handle from here on and disposes it when it finishes.
            tailer = new FileTailer(
                file, handle, identity, offset, stream.CreateFramer(options.MaxLineBytes, offset), stream.Options(options), buffers, () => _othersWaiting, output, metrics, time, _tailerLog, _finder.Ledger);
            _open[key] = tailer;
            registry.Open(file);
            metrics.Track(file);
            _tasks.Add(RunTailerAsync(tailer, key, _drain, _abort));
        }

        _finder.Add(tailer.Identity);
        Log.Opened(_log, path, stream.Name, offset);
    }

    /// <summary>
    /// Where to start: the checkpoint when it belongs to this very file (same inode and first bytes),
    /// else the start, or the end for <c>startAt: tail</c> on files that exist at the very first start.
    /// </summary>
    private (FileIdentity Identity, long Offset) StartPosition(WatchedStream stream, SafeFileHandle handle, PosixStat stat)
    {
        var saved = registry.Take(stat.Device, stat.Inode);
        if (saved is not null)
        {
            var previous = new FileIdentity(saved.Device, saved.Inode, saved.FingerprintLength, saved.FingerprintHash)
            {
                OriginDevice = saved.OriginDevice,
                OriginInode = saved.OriginInode,
            };
            if (saved.Offset <= stat.Size && Fingerprint.Matches(handle, previous))
            {
                return (previous, saved.Offset);
            }

            if (saved.Offset > 0)
            {
                // Truncated or rewritten while the sidecar was away: a copy of what it held continues it.
                _finder.Ledger.Add(TruncatedContent.From(saved));
            }
        }

        var (length, hash) = Fingerprint.Read(handle, options.FingerprintBytes);
        var identity = new FileIdentity(stat.Device, stat.Inode, length, hash);
        var fromTail = firstStart && _isFirstScan && stream.StartAtTail;
        return (identity, fromTail ? stat.Size : 0);
    }

    /// <summary>A copy's identity (its own inode and first bytes, its original's ids) and where it starts.</summary>
    private (FileIdentity Identity, long Offset) CopyPosition(SafeFileHandle handle, PosixStat stat, CopyStart start)
    {
        var (length, hash) = Fingerprint.Read(handle, options.FingerprintBytes);
        var identity = new FileIdentity(stat.Device, stat.Inode, length, hash) { OriginDevice = start.OriginDevice, OriginInode = start.OriginInode };
        return (identity, Math.Min(start.Offset, stat.Size));
    }

    private async Task RunTailerAsync(FileTailer tailer, (ulong Device, ulong Inode) key, CancellationToken drain, CancellationToken abort)
    {
        // Run on the thread pool so a slow first read does not hold up discovery.
        await Task.Yield();
        var exit = TailerExit.Finished;
        try
        {
            exit = await tailer.RunAsync(drain, abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown budget exhausted: what was acknowledged is checkpointed, the rest is re-read next start.
        }
        catch (IOException e)
        {
            metrics.FileError();
            Log.ReadFailed(_log, tailer.File.Path, e.Message);
        }
        finally
        {
            tailer.CloseHandle();
            TaskCompletionSource ended;
            lock (_lock)
            {
                _open.Remove(key);
                if (exit == TailerExit.Resting)
                {
                    // Still tracked: acknowledgements and checkpoints go on; discovery opens it again when it grows.
                    _resting[key] = tailer;
                }
                else
                {
                    registry.Close(tailer.File, key.Device, key.Inode);
                    metrics.Untrack(tailer.File);
                }

                ended = _turnEnded;
                _turnEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            ended.TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tailing {Path} (stream {Stream}) from offset {Offset}")]
        public static partial void Opened(ILogger logger, string path, string stream, long offset);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Cannot open {Path}: {Reason}. Make it readable by the sidecar's user or exclude it; other files keep flowing")]
        public static partial void CannotOpen(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Reading {Path} failed: {Reason}; the file is closed and will be opened again at the next poll if it is still there")]
        public static partial void ReadFailed(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Stream {Stream}: nothing matches {Glob} yet; waiting for files to appear")]
        public static partial void NothingMatches(ILogger logger, string stream, string glob);

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Cannot list {Directory} (glob {Glob}): {Reason}. Files in it are not discovered; make it readable by the sidecar's user")]
        public static partial void CannotList(ILogger logger, string directory, string glob, string reason);

        [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "First scan found {Count} file(s)")]
        public static partial void FirstScan(ILogger logger, int count);

        [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Skipping {Path}: it resolves to {Target}, outside {Root}, the directory of glob {Glob}. Only files under a glob's own directory are read, so that a link cannot expose other files; put the file itself under {Root}, or add a glob for where it really is")]
        public static partial void OutsideRoot(ILogger logger, string path, string target, string root, string glob);

        [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Skipping {Path}: it is {Kind}, not a regular file, and only regular files are tailed (reading a FIFO, socket or device can block or never end). Write logs to a regular file, or exclude this name")]
        public static partial void NotRegular(ILogger logger, string path, string kind);

        [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Skipping {Path}: it is {Format}-compressed, a compressed copy of a rotated file whose lines were read before it was compressed. Compressed files are never tailed; add its pattern (for example *.gz) to the stream's exclude to silence this")]
        public static partial void Compressed(ILogger logger, string path, string format);

        [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Not entering {Path}: it leads back to {Ancestor}, a directory the scan is already inside (a link loop). Remove the link; every file is still read once")]
        public static partial void Loop(ILogger logger, string path, string ancestor);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Not scanning {Path} or below: deeper than tailing.maxDepth ({MaxDepth}) levels under {Root} (glob {Glob}). Raise tailing.maxDepth if logs really live that deep")]
        public static partial void TooDeep(ILogger logger, string path, int maxDepth, string root, string glob);

        [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Glob {Glob}: the scan stopped after tailing.maxScanEntries ({MaxEntries}) directory entries, so files beyond them are not discovered (open ones keep being read). Narrow the glob, clean up the directory, or raise tailing.maxScanEntries")]
        public static partial void EntryLimit(ILogger logger, string glob, int maxEntries);

        [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Glob {Glob}: its directory {Directory} resolves to {Real} through a symbolic link, so nothing under it is read (files are read only under a glob's directory as written). If {Real} is where the logs really are, write the glob with it")]
        public static partial void DirectoryIsLink(ILogger logger, string glob, string directory, string real);

        [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Path} was deleted or renamed out of every glob while it waited for a descriptor; {Bytes} byte(s) of it were never read. More files were written at once than tailing.maxOpenFiles ({MaxOpenFiles}) allows to stay open: raise it")]
        public static partial void GoneBeforeRead(ILogger logger, string path, long bytes, int maxOpenFiles);

        [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{Count} file(s) wait for a descriptor: tailing.maxOpenFiles ({MaxOpenFiles}) are open. Open files give theirs up in turn (tailing.fileTurnMs) once read to their end, so every file is read, later; raise maxOpenFiles if files should not wait")]
        public static partial void FilesWait(ILogger logger, int count, int maxOpenFiles);

        [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "{Path} is so far only the first bytes of a file being read, too few to tell a copy being written (copytruncate) from a new file: it is read once it differs, grows past the fingerprint (tailing.fingerprintBytes), or has not been written to for {QuietMs} ms")]
        public static partial void MaybeCopyStarting(ILogger logger, string path, double quietMs);
    }
}
