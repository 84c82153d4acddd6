using System.Threading.Channels;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Reads one open file from a position to its end, again and again, framing bytes into lines and
/// handing them on in batches. It owns the file handle: a rotated-away or deleted file stays
/// readable through it until it is drained and idle, so nothing written before rotation is lost.
/// When the output is slow, <see cref="ChannelWriter{T}.WriteAsync"/> waits and so does reading:
/// the file on disk is the buffer.
/// </summary>
internal sealed partial class FileTailer : IDisposable
{
    // Never read fewer bytes than this after a carried-over partial line.
    private const int MinimumRead = 64 * 1024;

    private readonly TrackedFile _file;
    private readonly SafeFileHandle _handle;
    private readonly TailingOptions _options;
    private readonly ChannelWriter<LineBatch> _output;
    private readonly SidecarMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RecordFramer _framer;
    private FileIdentity _identity;
    private long _readOffset;

    // Set by the watcher thread, read by the reader loop: the file is no longer at any watched path.
    private volatile bool _detached;

    public FileTailer(
        TrackedFile file,
        SafeFileHandle handle,
        FileIdentity identity,
        long startOffset,
        RecordFramer framer,
        TailingOptions options,
        ChannelWriter<LineBatch> output,
        SidecarMetrics metrics,
        TimeProvider time,
        ILogger log)
    {
        _file = file;
        _handle = handle;
        _identity = identity;
        _readOffset = startOffset;
        _options = options;
        _output = output;
        _metrics = metrics;
        _time = time;
        _log = log;
        _framer = framer;
    }

    public TrackedFile File => _file;

    public FileIdentity Identity => _identity;

    /// <summary>Tells the reader that the file was rotated away or deleted: drain it, then close it.</summary>
    public void Detach() => _detached = true;

    /// <summary>
    /// Tails until the file is drained after rotation, or until <paramref name="drain"/> fires
    /// (shutdown: read to the end, emit the unterminated last line, stop).
    /// </summary>
    public async Task RunAsync(CancellationToken drain, CancellationToken abort)
    {
        var lastGrowth = _time.GetTimestamp();
        while (true)
        {
            var draining = drain.IsCancellationRequested;

            // Checked before reading: after truncate-and-rewrite, bytes at the old position belong to
            // the new content and must not be emitted out of order.
            if (IsTruncated(out var size))
            {
                // Bytes carried from before the truncation were real data: emit them first.
                await FlushPendingAsync(abort);
                RestartFromZero(size);
            }

            if (await ReadToEndAsync(abort))
            {
                lastGrowth = _time.GetTimestamp();
            }

            var idle = _time.GetElapsedTime(lastGrowth);
            var pendingTimeout = _framer.HasOpenRecord ? _options.MultilineTimeout : _options.PartialLineTimeout;
            if (_framer.HasPending && (draining || idle >= pendingTimeout))
            {
                await FlushPendingAsync(abort);
            }

            if (draining)
            {
                return;
            }

            if ((_detached || IsDeleted()) && idle >= _options.RotateWait && !_framer.HasPending)
            {
                _metrics.Rotated();
                Log.Drained(_log, _file.Path, _readOffset);
                return;
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

    public void Dispose() => _handle.Dispose();

    /// <summary>Reads until the end of the file; true if anything was read.</summary>
    private async Task<bool> ReadToEndAsync(CancellationToken abort)
    {
        var progressed = false;
        while (true)
        {
            var batch = new LineBatch(_file, Math.Max(_options.ReadBufferBytes, _framer.CarryLength + MinimumRead), _time.GetUtcNow());
            var carried = _framer.CopyCarryTo(batch.Buffer);
            var read = await RandomAccess.ReadAsync(_handle, batch.Buffer.AsMemory(carried), _readOffset, abort);
            if (read == 0)
            {
                batch.Release();
                return progressed;
            }

            progressed = true;
            _readOffset += read;
            _file.Size = Math.Max(_file.Size, _readOffset);
            _framer.Frame(batch, carried, read, _metrics);
            _metrics.Read(_file.Stream, batch.Count, read);
            WidenFingerprint();
            await PublishAsync(batch, abort);
        }
    }

    private async Task FlushPendingAsync(CancellationToken abort)
    {
        if (!_framer.HasPending)
        {
            return;
        }

        var batch = new LineBatch(_file, _framer.CarryLength, _time.GetUtcNow());
        _framer.FlushPending(batch);
        _metrics.Read(_file.Stream, batch.Count, 0);
        await PublishAsync(batch, abort);
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
        await _output.WriteAsync(batch, abort);
    }

    /// <summary>
    /// Copytruncate and truncate-and-rewrite: the file shrank below our position, or its first
    /// bytes are no longer the ones we fingerprinted. Reading restarts at 0.
    /// </summary>
    private bool IsTruncated(out long size)
    {
        size = 0;
        if (!PosixStat.TryGet(_handle, out var stat, out _))
        {
            return false;
        }

        size = stat.Size;
        _file.Size = stat.Size;
        return stat.Size < _readOffset
            || (_identity.FingerprintLength > 0 && !Fingerprint.Matches(_handle, _identity));
    }

    private void RestartFromZero(long size)
    {
        _metrics.Truncated();
        Log.Truncated(_log, _file.Path, _readOffset, size);
        _readOffset = 0;
        _framer.Restart(0);
        var (length, hash) = Fingerprint.Read(_handle, _options.FingerprintBytes);
        _identity = _identity with { FingerprintLength = length, FingerprintHash = hash };
    }

    /// <summary>A file shorter than the fingerprint window gets a wider fingerprint as it grows.</summary>
    private void WidenFingerprint()
    {
        if (_identity.FingerprintLength < _options.FingerprintBytes && _readOffset > _identity.FingerprintLength)
        {
            var (length, hash) = Fingerprint.Read(_handle, _options.FingerprintBytes);
            if (length > _identity.FingerprintLength)
            {
                _identity = _identity with { FingerprintLength = length, FingerprintHash = hash };
            }
        }
    }

    private bool IsDeleted() => PosixStat.TryGet(_handle, out var stat, out _) && stat.LinkCount == 0;

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "File {Path} was truncated or rewritten (read up to {Offset}, size now {Size}); reading again from 0")]
        public static partial void Truncated(ILogger logger, string path, long offset, long size);

        [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "File {Path} was rotated away or deleted and is drained at {Offset}; closing it")]
        public static partial void Drained(ILogger logger, string path, long offset);
    }
}
