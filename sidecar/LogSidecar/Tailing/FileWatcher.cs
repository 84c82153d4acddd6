using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Discovery by polling (no inotify: its per-user limit is shared by every container on the node).
/// Each poll lists the globs, starts a <see cref="FileTailer"/> for every file (device + inode) not
/// yet open, and detaches tailers whose file is no longer at any watched path, so they drain and close.
/// </summary>
internal sealed partial class FileWatcher(
    IReadOnlyList<WatchedStream> streams,
    string checkpointDirectory,
    CheckpointRegistry registry,
    bool firstStart,
    TailingOptions options,
    ChannelWriter<LineBatch> output,
    SidecarMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger<FileWatcher>();
    private readonly ILogger _tailerLog = loggers.CreateLogger<FileTailer>();
    private readonly string _checkpointPrefix = checkpointDirectory.TrimEnd('/') + "/";

    // Guards _open and _tasks: the watcher loop adds and detaches, finished tailers remove themselves.
    private readonly Lock _lock = new();
    private readonly Dictionary<(ulong Device, ulong Inode), FileTailer> _open = [];
    private readonly List<Task> _tasks = [];

    // Paths already reported as unreadable or missing, so each problem is logged once, not every poll.
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private bool _isFirstScan = true;

    /// <summary>Set once the first scan has finished (readiness).</summary>
    public bool Started { get; private set; }

    /// <summary>
    /// Polls until <paramref name="drain"/> fires, then waits for every tailer to read its file to
    /// the end. <paramref name="once"/> stops discovery after the first scan (read what is there, exit).
    /// </summary>
    public async Task RunAsync(bool once, CancellationToken drain, CancellationToken abort)
    {
        using var tailersDrain = CancellationTokenSource.CreateLinkedTokenSource(drain);
        if (once)
        {
            Scan(tailersDrain.Token, abort);
            await tailersDrain.CancelAsync();
        }

        while (!tailersDrain.IsCancellationRequested)
        {
            Scan(tailersDrain.Token, abort);
            try
            {
                await Task.Delay(options.PollInterval, time, tailersDrain.Token);
            }
            catch (OperationCanceledException) when (tailersDrain.IsCancellationRequested)
            {
                break;
            }
        }

        Task[] running;
        lock (_lock)
        {
            running = [.. _tasks];
        }

        await Task.WhenAll(running);
    }

    /// <summary>One discovery pass; internal so tests can drive it step by step.</summary>
    internal void Scan(CancellationToken drain, CancellationToken abort)
    {
        var seen = new HashSet<(ulong, ulong)>();
        foreach (var stream in streams)
        {
            foreach (var glob in stream.Globs)
            {
                foreach (var path in EnumerateSafely(glob))
                {
                    if (path.StartsWith(_checkpointPrefix, StringComparison.Ordinal) || stream.IsExcluded(path))
                    {
                        continue;
                    }

                    if (PosixStat.TryGet(path, out var stat, out _) && seen.Add((stat.Device, stat.Inode)))
                    {
                        Discover(stream, path, stat, drain, abort);
                    }
                }
            }
        }

        lock (_lock)
        {
            _tasks.RemoveAll(task => task.IsCompleted);
            foreach (var (key, tailer) in _open)
            {
                if (!seen.Contains(key))
                {
                    tailer.Detach();
                }
            }
        }

        if (_isFirstScan)
        {
            ReportEmptyGlobs(seen.Count);
            _isFirstScan = false;
            Started = true;
        }
    }

    private void Discover(WatchedStream stream, string path, PosixStat stat, CancellationToken drain, CancellationToken abort)
    {
        lock (_lock)
        {
            if (_open.TryGetValue((stat.Device, stat.Inode), out var open))
            {
                // Its reader may be waiting on a slow output and not looking at the file: the listing's
                // size keeps the lag growing with what the app writes meanwhile.
                open.File.Size = stat.Size;
                return;
            }
        }

        var handle = TryOpen(path);

        // The path may have been replaced between stat and open: the handle is the truth.
        if (handle is null || !PosixStat.TryGet(handle, out stat, out _))
        {
            handle?.Dispose();
            return;
        }

        var (identity, offset) = StartPosition(stream, handle, stat);
        var file = new TrackedFile(path, stream.Name) { Size = stat.Size };

        // The tailer owns the handle from here on and disposes it when it finishes.
        var tailer = new FileTailer(
            file, handle, identity, offset, stream.CreateFramer(options.MaxLineBytes, offset), stream.Options(options), output, metrics, time, _tailerLog);
        lock (_lock)
        {
            _open[(stat.Device, stat.Inode)] = tailer;
            registry.Open(file);
            metrics.Track(file);
            _tasks.Add(RunTailerAsync(tailer, (stat.Device, stat.Inode), drain, abort));
        }

        Log.Opened(_log, path, stream.Name, offset);
    }

    private SafeFileHandle? TryOpen(string path)
    {
        try
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _reported.Remove(path);
            return handle;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_reported.Add(path))
            {
                metrics.FileError();
                Log.CannotOpen(_log, path, e.Message);
            }

            return null;
        }
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
            var previous = new FileIdentity(saved.Device, saved.Inode, saved.FingerprintLength, saved.FingerprintHash);
            if (saved.Offset <= stat.Size && Fingerprint.Matches(handle, previous))
            {
                return (previous, saved.Offset);
            }
        }

        var (length, hash) = Fingerprint.Read(handle, options.FingerprintBytes);
        var identity = new FileIdentity(stat.Device, stat.Inode, length, hash);
        var fromTail = firstStart && _isFirstScan && stream.StartAtTail;
        return (identity, fromTail ? stat.Size : 0);
    }

    private async Task RunTailerAsync(FileTailer tailer, (ulong Device, ulong Inode) key, CancellationToken drain, CancellationToken abort)
    {
        // Run on the thread pool so a slow first read does not hold up discovery.
        await Task.Yield();
        try
        {
            await tailer.RunAsync(drain, abort);
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
            tailer.Dispose();
            lock (_lock)
            {
                _open.Remove(key);
                registry.Close(tailer.File, key.Device, key.Inode);
                metrics.Untrack(tailer.File);
            }
        }
    }

    private IEnumerable<string> EnumerateSafely(PathGlob glob)
    {
        try
        {
            return [.. glob.Enumerate()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_reported.Add(glob.Pattern))
            {
                Log.CannotList(_log, glob.Pattern, e.Message);
            }

            return [];
        }
    }

    private void ReportEmptyGlobs(int found)
    {
        foreach (var stream in streams)
        {
            foreach (var glob in stream.Globs)
            {
                if (!glob.Enumerate().Any())
                {
                    Log.NothingMatches(_log, stream.Name, glob.Pattern);
                }
            }
        }

        Log.FirstScan(_log, found);
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

        [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Cannot list files for {Glob}: {Reason}")]
        public static partial void CannotList(ILogger logger, string glob, string reason);

        [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "First scan found {Count} file(s)")]
        public static partial void FirstScan(ILogger logger, int count);
    }
}
