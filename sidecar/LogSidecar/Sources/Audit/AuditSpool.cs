using System.Globalization;
using System.Threading.Channels;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// The durable queue between the audit endpoint and the pipeline: accepted events are appended, one
/// JSON object per line, to <c>audit-NNNNNNNNNNNN.jsonl</c> files that the audit stream tails. A
/// batch is answered only after its lines were written and fsync'd, so a crash after the answer loses
/// nothing. Batches waiting together share one fsync (group commit). A write that fails is cut off
/// the file again, so nothing partial stays. The spool never holds more than its byte budget (files
/// already delivered count until they are removed); a file is closed at its size and a new one started,
/// and closed files are removed once the saved checkpoint covers them entirely.
/// </summary>
internal sealed partial class AuditSpool : IDisposable
{
    private const string Prefix = "audit-";
    private const string Suffix = ".jsonl";
    private const int GroupLimit = 64;

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly int _fileBytes;
    private readonly AuditMetrics _metrics;
    private readonly ILogger _log;
    private readonly Channel<SpoolWrite> _writes = Channel.CreateBounded<SpoolWrite>(new BoundedChannelOptions(GroupLimit)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    // Guards _closed: the writer adds the files it closes, the removal takes delivered ones out.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _closed = new(StringComparer.Ordinal);

    // Bytes on disk plus bytes reserved by batches on their way to the writer: compared with the budget before a batch is taken.
    private long _bytes;

    // The file being written and its length; only the writer touches them.
    private FileStream? _active;
    private string? _activePath;
    private long _activeLength;
    private long _nextNumber;
    private bool _failing;

    private AuditSpool(string directory, long maxBytes, int fileBytes, AuditMetrics metrics, ILogger log)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _fileBytes = fileBytes;
        _metrics = metrics;
        _log = log;
    }

    /// <summary>Bytes the spool holds, delivered or not.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Spool files on disk, the one being written included.</summary>
    public int Files
    {
        get
        {
            lock (_lock)
            {
                return _closed.Count + (Volatile.Read(ref _activePath) is null ? 0 : 1);
            }
        }
    }

    /// <summary>
    /// Opens the spool directory, creating it. Files left by an earlier run are kept (the stream
    /// delivers them) and closed; a line torn by a crash at the end of the last one is cut off, as its
    /// batch was never answered. Must run before the pipeline starts tailing the directory.
    /// </summary>
    public static AuditSpool? TryOpen(string directory, long maxBytes, int fileBytes, AuditMetrics metrics, ILogger log, out string? error)
    {
#pragma warning disable CA2000 // Holds no file until its first write; returned to the caller, who disposes it.
        var spool = new AuditSpool(directory, maxBytes, fileBytes, metrics, log);
#pragma warning restore CA2000
        try
        {
            Directory.CreateDirectory(directory);
            var existing = Directory.EnumerateFiles(directory, Prefix + "*" + Suffix)
                .Select(path => (Path: path, Number: NumberOf(path)))
                .Where(file => file.Number >= 0)
                .OrderBy(file => file.Number)
                .ToList();
            if (existing.Count > 0)
            {
                CutTornLine(existing[^1].Path);
            }

            foreach (var (path, _) in existing)
            {
                var length = new FileInfo(path).Length;
                spool._closed[path] = length;
                spool._bytes += length;
            }

            spool._nextNumber = existing.Count == 0 ? 1 : existing[^1].Number + 1;
            var probe = Path.Combine(directory, ".write-test");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"the audit spool directory {directory} cannot be used ({e.Message}); set sources.audit.spoolDir (flag --audit-spool) to a writable directory in the pod's volume";
            return null;
        }

        error = null;
        return spool;
    }

    /// <summary>
    /// Writes the lines of one batch and flushes them to disk; <see cref="SpoolOutcome.Full"/> at once,
    /// writing nothing, when they do not fit in the budget.
    /// </summary>
    public async Task<SpoolOutcome> AppendAsync(ReadOnlyMemory<byte> lines, int events)
    {
        if (!TryReserve(lines.Length))
        {
            return SpoolOutcome.Full;
        }

        var write = new SpoolWrite(lines, events);
        if (!_writes.Writer.TryWrite(write))
        {
            try
            {
                await _writes.Writer.WriteAsync(write);
            }
            catch (ChannelClosedException)
            {
                Interlocked.Add(ref _bytes, -lines.Length);
                return SpoolOutcome.Failed;
            }
        }

        return await write.Done.Task;
    }

    /// <summary>Writes batches as they come until <see cref="Complete"/> was called and every batch is written.</summary>
    public async Task RunAsync()
    {
        var group = new List<SpoolWrite>(GroupLimit);
        while (await _writes.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < GroupLimit && _writes.Reader.TryRead(out var write))
            {
                group.Add(write);
            }

            // The only blocking step of the source: write(2) and fsync(2), once for the whole group.
            WriteGroup(group);
        }

        Seal();
    }

    /// <summary>No more batches: the writer finishes the ones it has and stops.</summary>
    public void Complete() => _writes.Writer.TryComplete();

    /// <summary>
    /// Removes the closed files that <paramref name="checkpoints"/> (as saved) show delivered to their
    /// end: same device, inode and first bytes, offset at the file's length.
    /// </summary>
    public void RemoveDelivered(IReadOnlyList<FileCheckpoint> checkpoints)
    {
        List<KeyValuePair<string, long>> closed;
        lock (_lock)
        {
            closed = [.. _closed];
        }

        var saved = checkpoints.Where(c => !c.Truncated).GroupBy(c => (c.Device, c.Inode)).ToDictionary(g => g.Key, g => g.First());
        foreach (var (path, length) in closed)
        {
            if (Delivered(path, length, saved) is not true)
            {
                continue;
            }

            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.RemoveFailed(_log, path, e.Message);
                continue;
            }

            Forget(path, length);
            _metrics.FileRemoved();
        }
    }

    public void Dispose()
    {
        _active?.Dispose();
        _active = null;
    }

    private static long NumberOf(string path)
    {
        var name = Path.GetFileName(path);
        return long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;
    }

    /// <summary>Cuts the file after its last line feed: a batch torn by a crash was not answered, so the API server sends it again.</summary>
    private static void CutTornLine(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 0);
        var length = file.Length;
        var tail = new byte[(int)Math.Min(length, 64 * 1024)];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - tail.Length);
            var count = (int)(end - start);
            file.Position = start;
            file.ReadExactly(tail, 0, count);
            var last = tail.AsSpan(0, count).LastIndexOf((byte)'\n');
            if (last >= 0)
            {
                end = start + last + 1;
                break;
            }

            end = start;
        }

        if (end < length)
        {
            file.SetLength(end);
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>True when the saved checkpoint covers the whole file; null when the file is gone (forgotten here).</summary>
    private bool? Delivered(string path, long length, Dictionary<(ulong, ulong), FileCheckpoint> saved)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (!PosixStat.TryGet(handle, out var stat, out _))
            {
                return false;
            }

            if (stat.Size == 0)
            {
                return true;
            }

            return saved.TryGetValue((stat.Device, stat.Inode), out var checkpoint)
                && checkpoint.Offset >= stat.Size
                && Fingerprint.Matches(handle, new FileIdentity(checkpoint.Device, checkpoint.Inode, checkpoint.FingerprintLength, checkpoint.FingerprintHash));
        }
        catch (FileNotFoundException)
        {
            Forget(path, length);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.RemoveFailed(_log, path, e.Message);
            return false;
        }
    }

    private void Forget(string path, long length)
    {
        lock (_lock)
        {
            if (_closed.Remove(path))
            {
                Interlocked.Add(ref _bytes, -length);
            }
        }
    }

    private bool TryReserve(int length)
    {
        while (true)
        {
            var bytes = Interlocked.Read(ref _bytes);
            if (bytes + length > _maxBytes)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _bytes, bytes + length, bytes) == bytes)
            {
                return true;
            }
        }
    }

    private void WriteGroup(List<SpoolWrite> group)
    {
        var written = new List<SpoolWrite>(group.Count);
        foreach (var write in group)
        {
            long before = 0;
            try
            {
                var file = FileFor(write.Lines.Length);
                before = _activeLength;
                file.Write(write.Lines.Span);
                _activeLength += write.Lines.Length;
                written.Add(write);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing partial stays: cut what was written of this batch, and continue in a new file.
                CutBack(before);
                Failed(write, e.Message);
            }
        }

        if (written.Count == 0)
        {
            return;
        }

        try
        {
            _active!.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Whether the bytes reached the disk is unknown: none of these batches is answered 200, so the API server sends them again.
            Seal();
            foreach (var write in written)
            {
                Failed(write, e.Message);
            }

            return;
        }

        if (_failing)
        {
            _failing = false;
            Log.WritingAgain(_log, _directory);
        }

        foreach (var write in written)
        {
            _metrics.Spooled(write.Events, write.Lines.Length);
            write.Done.TrySetResult(SpoolOutcome.Written);
        }
    }

    /// <summary>The file to append <paramref name="length"/> bytes to: a new one when the current one would pass its size.</summary>
    private FileStream FileFor(int length)
    {
        if (_active is not null && _activeLength > 0 && _activeLength + length > _fileBytes)
        {
            Seal();
        }

        if (_active is null)
        {
            var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{_nextNumber++:D12}{Suffix}"));

            // Unbuffered: each batch reaches the file in one write, where the stream's reader sees it.
            _active = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 0);
            _activeLength = 0;
            Volatile.Write(ref _activePath, path);

            // The new name must survive a crash of the node as well as the bytes in it.
            if (DirectorySync.Flush(_directory) is var errno and not 0)
            {
                Log.DirectorySyncFailed(_log, _directory, PosixFile.Describe(errno));
            }
        }

        return _active;
    }

    private void CutBack(long length)
    {
        if (_active is null)
        {
            return;
        }

        try
        {
            _active.SetLength(length);
            _activeLength = length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CutFailed(_log, _activePath!, e.Message);
        }

        Seal();
    }

    /// <summary>Closes the file being written; the next batch starts a new one.</summary>
    private void Seal()
    {
        if (_active is null)
        {
            return;
        }

        lock (_lock)
        {
            _closed[_activePath!] = _activeLength;
            Volatile.Write(ref _activePath, null);
        }

        _active.Dispose();
        _active = null;
    }

    private void Failed(SpoolWrite write, string reason)
    {
        Interlocked.Add(ref _bytes, -write.Lines.Length);
        if (!_failing)
        {
            _failing = true;
            Log.WriteFailed(_log, _directory, reason);
        }

        write.Done.TrySetResult(SpoolOutcome.Failed);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "Cannot write the audit spool in {Directory}: {Reason}; batches are answered 503 and the API server sends them again. Check the volume's space and permissions. Reported again only once writing works")]
        public static partial void WriteFailed(ILogger logger, string directory, string reason);

        [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "The audit spool in {Directory} is written again")]
        public static partial void WritingAgain(ILogger logger, string directory);

        [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Cannot flush the audit spool directory {Directory} ({Reason}); a new spool file may not survive a crash of the node")]
        public static partial void DirectorySyncFailed(ILogger logger, string directory, string reason);

        [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "Cannot cut a failed batch off {Path} ({Reason}); its complete lines may be delivered, and the API server sends the batch again")]
        public static partial void CutFailed(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 124, Level = LogLevel.Warning, Message = "Cannot remove the delivered spool file {Path}: {Reason}; it counts against the spool's budget until it can be removed")]
        public static partial void RemoveFailed(ILogger logger, string path, string reason);
    }
}
