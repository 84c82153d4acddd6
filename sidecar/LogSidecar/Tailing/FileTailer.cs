using System.Threading.Channels;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Reads one file from a position to its end, again and again, framing bytes into lines and
/// handing them on in batches. Each read takes a buffer from the shared <see cref="ReadBufferPool"/>,
/// so memory for file data is one budget for all files, served in turn. It holds the file's
/// descriptor while it runs: a rotated-away or deleted file stays readable through it until it is
/// drained and idle, so nothing written before rotation is lost. When other files wait for a
/// descriptor, a file read to its end with nothing pending gives its descriptor up (it rests, its
/// position kept) and is opened again when it grows. When the output is slow, reading waits for
/// buffers: the file on disk is the buffer.
/// </summary>
internal sealed partial class FileTailer : IDisposable
{
    // Never read fewer bytes than this after a carried-over partial line.
    private const int MinimumRead = 64 * 1024;

    private readonly TrackedFile _file;
    private readonly TailingOptions _options;
    private readonly ReadBufferPool _buffers;
    private readonly Func<bool> _othersWaiting;
    private readonly ChannelWriter<LineBatch> _output;
    private readonly SidecarMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RecordFramer _framer;
    private readonly ContentMarks _marks = new();
    private readonly CopyLedger? _copies;
    private SafeFileHandle? _handle;
    private volatile FileIdentity _identity;
    private long _readOffset;

    // The largest size the current content was seen to have: by this reader, and by discovery (which
    // cannot tell the content a size belongs to; see RestartFromZeroAsync).
    private long _seenSize;
    private long _seenByDiscovery;
    private volatile int _generation;

    // Set by the watcher thread, read by the reader loop: the file is no longer at any watched path.
    private volatile bool _detached;

    // Set by the watcher thread, read by the reader loop: where discovery last saw the file.
    private volatile string _path;

    public FileTailer(
        TrackedFile file,
        SafeFileHandle handle,
        FileIdentity identity,
        long startOffset,
        RecordFramer framer,
        TailingOptions options,
        ReadBufferPool buffers,
        Func<bool> othersWaiting,
        ChannelWriter<LineBatch> output,
        SidecarMetrics metrics,
        TimeProvider time,
        ILogger log,
        CopyLedger? copies = null)
    {
        _file = file;
        _handle = handle;
        _identity = identity;
        _readOffset = startOffset;
        _options = options;
        _buffers = buffers;
        _othersWaiting = othersWaiting;
        _output = output;
        _metrics = metrics;
        _time = time;
        _log = log;
        _framer = framer;
        _copies = copies;
        _path = file.Path;
    }

    public TrackedFile File => _file;

    public FileIdentity Identity => _identity;

    /// <summary>Where discovery last saw the file.</summary>
    public string Path => _path;

    /// <summary>Everything before this offset was read. Moves only while the tailer runs.</summary>
    public long ReadOffset => Volatile.Read(ref _readOffset);

    /// <summary>Tells the reader that the file was rotated away or deleted: drain it, then close it.</summary>
    public void Detach() => _detached = true;

    /// <summary>Marks of the current content's reads, for recognising copies of it.</summary>
    public ContentMarks Marks => _marks;

    /// <summary>Discovery saw the file at <paramref name="path"/> (it may have been renamed within the globs).</summary>
    public void SeenAt(string path) => _path = path;

    /// <summary>Contents this file has had: one more each time it was found truncated.</summary>
    public int Generation => _generation;

    /// <summary>Discovery saw the file with <paramref name="size"/> bytes: if it is truncated before they are read, they are counted as lost.</summary>
    public void Seen(long size) => Raise(ref _seenByDiscovery, size);

    /// <summary>
    /// Whether <paramref name="candidate"/> holds this file's bytes from <paramref name="from"/> up to
    /// <paramref name="end"/>, read through this tailer's own descriptor; null when it has none now
    /// (resting or closing) or the file no longer holds the content it is reading (truncated, not noticed yet).
    /// </summary>
    public bool? SameBytes(SafeFileHandle candidate, long from, long end)
    {
        var handle = _handle;
        if (handle is null)
        {
            return null;
        }

        var added = false;
        try
        {
            // Keeps the descriptor open while it is read from this thread, even if the tailer closes it meanwhile.
            handle.DangerousAddRef(ref added);
            return ContentCompare.SameBytes(handle, _identity, candidate, from, end);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>A resting tailer gets a descriptor of its file again, opened and verified by discovery.</summary>
    public void Resume(SafeFileHandle handle)
    {
        _handle = handle;
        _detached = false;
    }

    /// <summary>Gives the descriptor up; the position and anything framed so far are kept.</summary>
    public void CloseHandle()
    {
        _handle?.Dispose();
        _handle = null;
    }

    /// <summary>
    /// Tails until the file is drained after rotation, until <paramref name="drain"/> fires
    /// (shutdown: read to the end, emit the unterminated last line, stop), or until it is read to its
    /// end while other files wait for a descriptor (<see cref="TailerExit.Resting"/>).
    /// </summary>
    public async Task<TailerExit> RunAsync(CancellationToken drain, CancellationToken abort)
    {
        var turnStart = _time.GetTimestamp();
        var lastGrowth = turnStart;
        while (true)
        {
            var draining = drain.IsCancellationRequested;

            // Checked before reading: after truncate-and-rewrite, bytes at the old position belong to
            // the new content and must not be emitted out of order.
            if (IsTruncated(out var size))
            {
                await RestartFromZeroAsync(size, abort);
            }

            if (await ReadToEndAsync(abort))
            {
                lastGrowth = _time.GetTimestamp();
            }

            var idle = _time.GetElapsedTime(lastGrowth);
            var pendingTimeout = _framer.HasOpenRecord ? _options.MultilineTimeout : _options.PartialLineTimeout;
            if (_framer.HasPending && (draining || idle >= pendingTimeout))
            {
                await FlushCarriedAsync(static (framer, batch) => framer.FlushPending(batch), abort);
            }

            if (draining)
            {
                return TailerExit.Finished;
            }

            var gone = _detached || IsDeleted();
            if (gone && idle >= _options.RotateWait && !_framer.HasPending)
            {
                _metrics.Rotated();
                Log.Drained(_log, _file.Path, _readOffset);
                return TailerExit.Finished;
            }

            // Only a file still at its path can be opened again: one rotated away keeps its descriptor until drained.
            if (!gone && !_framer.HasPending && _othersWaiting() && IsTurnOver(turnStart) && IsAtItsPath())
            {
                return TailerExit.Resting;
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, drain);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested)
            {
                // Shutdown began: one more pass reads to the end.
            }
        }
    }

    public void Dispose() => CloseHandle();

    /// <summary>Reads until the end of the file; true if anything was read.</summary>
    private async Task<bool> ReadToEndAsync(CancellationToken abort)
    {
        var progressed = false;
        while (true)
        {
            var buffer = await _buffers.RentAsync(_framer.CarryLength + MinimumRead, abort);
            var batch = new LineBatch(_file, buffer, _buffers, _time.GetUtcNow());
            var carried = _framer.CopyCarryTo(batch.Buffer);
            int read;
            try
            {
                read = await RandomAccess.ReadAsync(_handle!, batch.Buffer.AsMemory(carried), _readOffset, abort);
            }
            catch
            {
                batch.Release();
                throw;
            }

            if (read == 0)
            {
                batch.Release();
                return progressed;
            }

            progressed = true;
            if (IsTruncated(out var size))
            {
                // The check before reading cannot see a truncation that lands between it and the read
                // (copytruncate under a fast writer): these bytes are the new content's, at the old
                // position. They are dropped and the new content is read from 0.
                batch.Release();
                await RestartFromZeroAsync(size, abort);
                continue;
            }

            Volatile.Write(ref _readOffset, _readOffset + read);
            _marks.Add(_readOffset, batch.Buffer.AsSpan(carried, read));
            Raise(ref _seenSize, _readOffset);
            _file.Size = Math.Max(_file.Size, _readOffset);
            _framer.Frame(batch, carried, read, _metrics);
            _metrics.Read(_file.Stream, batch.Count, read);
            WidenFingerprint();
            await PublishAsync(batch, abort);
        }
    }

    /// <summary>
    /// Emits what the framer carries, as <paramref name="flush"/> says (everything, or whole lines only);
    /// returns where the emitted records end in the file (the read position when nothing was carried).
    /// </summary>
    private async Task<long> FlushCarriedAsync(Action<RecordFramer, LineBatch> flush, CancellationToken abort)
    {
        if (!_framer.HasPending)
        {
            return _readOffset;
        }

        var batch = new LineBatch(_file, await _buffers.RentAsync(_framer.CarryLength, abort), _buffers, _time.GetUtcNow());
        flush(_framer, batch);
        var end = batch.EndOffset;
        _metrics.Read(_file.Stream, batch.Count, 0);
        await PublishAsync(batch, abort);
        return end;
    }

    private async Task PublishAsync(LineBatch batch, CancellationToken abort)
    {
        if (batch.Count == 0)
        {
            // Only part of a line so far: it stays carried in the framer.
            batch.Release();
            return;
        }

        batch.Identity = _identity;
        batch.Mark = _marks.Latest;
        try
        {
            await _output.WriteAsync(batch, abort);
        }
        catch
        {
            batch.Release();
            throw;
        }
    }

    /// <summary>
    /// Copytruncate and truncate-and-rewrite: the file shrank below our position, or its first
    /// bytes are no longer the ones we fingerprinted. Reading restarts at 0.
    /// </summary>
    private bool IsTruncated(out long size)
    {
        size = 0;
        if (!PosixStat.TryGet(_handle!, out var stat, out _))
        {
            return false;
        }

        size = stat.Size;
        _file.Size = stat.Size;
        var truncated = stat.Size < _readOffset
            || (_identity.FingerprintLength > 0 && !Fingerprint.Matches(_handle!, _identity));
        if (!truncated)
        {
            Raise(ref _seenSize, stat.Size);
        }

        return truncated;
    }

    /// <summary>
    /// The file was truncated (or rewritten): what was read of the old content is emitted up to its
    /// last whole line, then reading starts over at 0. An unterminated last line is not emitted as a
    /// fragment: a copy (copytruncate) holds it whole and is read from its start; with no copy, its
    /// bytes count as lost with the rest of what was not read.
    /// </summary>
    private async Task RestartFromZeroAsync(long size, CancellationToken abort)
    {
        var readEnd = await FlushCarriedAsync(static (framer, batch) => framer.FlushTerminated(batch), abort);

        _metrics.Truncated();
        Log.Truncated(_log, _file.Path, _readOffset, size);
        if (_readOffset > 0)
        {
            // A copy of what the file held (copytruncate) is read only past what was read here. A size
            // discovery saw counts only if the new content is smaller: otherwise it may have been the new one's.
            var byDiscovery = Volatile.Read(ref _seenByDiscovery);
            var seen = Math.Max(Math.Max(Volatile.Read(ref _seenSize), _readOffset), byDiscovery > size ? byDiscovery : 0);
            _copies?.Add(new TruncatedContent(_identity, readEnd, seen, _marks.Snapshot(), _path, _file) { Generation = _generation });
        }

        _generation++;
        Volatile.Write(ref _readOffset, 0);
        Volatile.Write(ref _seenSize, size);
        Volatile.Write(ref _seenByDiscovery, 0);
        _marks.Clear();
        _framer.Restart(0);
        var (length, hash) = Fingerprint.Read(_handle!, _options.FingerprintBytes);

        // New content first read here: its records are this file's own.
        _identity = new FileIdentity(_identity.Device, _identity.Inode, length, hash);
    }

    /// <summary>A file shorter than the fingerprint window gets a wider fingerprint as it grows.</summary>
    private void WidenFingerprint()
    {
        if (_identity.FingerprintLength < _options.FingerprintBytes && _readOffset > _identity.FingerprintLength)
        {
            var (length, hash) = Fingerprint.Read(_handle!, _options.FingerprintBytes);
            if (length > _identity.FingerprintLength)
            {
                _identity = _identity with { FingerprintLength = length, FingerprintHash = hash };
            }
        }
    }

    private static void Raise(ref long field, long value)
    {
        var current = Volatile.Read(ref field);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref field, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }

    private bool IsDeleted() => PosixStat.TryGet(_handle!, out var stat, out _) && stat.LinkCount == 0;

    /// <summary>Held its descriptor for a whole <see cref="TailingOptions.FileTurn"/>, or found unchanged for that long (nothing to wait for).</summary>
    private bool IsTurnOver(long turnStart) =>
        _time.GetElapsedTime(turnStart) >= _options.FileTurn
        || (PosixStat.TryGet(_handle!, out var stat, out _)
            && _time.GetUtcNow().ToUnixTimeMilliseconds() - stat.ModifiedUnixMs >= _options.FileTurn.TotalMilliseconds);

    /// <summary>True when the path discovery last saw holds this very file, so it can be opened again by name.</summary>
    private bool IsAtItsPath() => PosixStat.TryGet(_path, out var stat, out _) && _identity.SameInode(stat.Device, stat.Inode);

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "File {Path} was truncated or rewritten (read up to {Offset}, size now {Size}); reading again from 0")]
        public static partial void Truncated(ILogger logger, string path, long offset, long size);

        [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "File {Path} was rotated away or deleted and is drained at {Offset}; closing it")]
        public static partial void Drained(ILogger logger, string path, long offset);
    }
}
