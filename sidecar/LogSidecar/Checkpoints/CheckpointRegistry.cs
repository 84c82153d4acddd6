using LogSidecar.Pipeline;

namespace LogSidecar.Checkpoints;

/// <summary>
/// Every position worth persisting: the acknowledged offsets of open files, and of files that are
/// not open (loaded at start and not seen again yet, or drained and closed). Closed files are kept
/// for <see cref="Retention"/> so a file that comes back is resumed, not re-sent. Positions are read
/// from the files when a snapshot is taken, because acknowledgements of a closed file's last records
/// may still arrive after it was closed.
/// </summary>
internal sealed class CheckpointRegistry(TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // Guards both collections: the watcher opens and closes files, the checkpointer snapshots.
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedFile> _open = [];
    private readonly Dictionary<(ulong Device, ulong Inode), (TrackedFile File, long ClosedUnixMs)> _closed = [];
    private readonly List<FileCheckpoint> _truncated = [];

    /// <summary>Truncated contents whose copy was not found yet (copytruncate), saved with the files.</summary>
    public Func<IEnumerable<FileCheckpoint>>? PendingTruncated { get; set; }

    public void Load(IEnumerable<FileCheckpoint> checkpoints)
    {
        lock (_lock)
        {
            foreach (var checkpoint in checkpoints)
            {
                if (checkpoint.Truncated)
                {
                    _truncated.Add(checkpoint);
                    continue;
                }

                _closed[(checkpoint.Device, checkpoint.Inode)] = (new TrackedFile(checkpoint.Path, "") { Acknowledged = checkpoint }, checkpoint.UpdatedUnixMs);
            }
        }
    }

    /// <summary>Removes and returns the truncated contents loaded at start.</summary>
    public List<FileCheckpoint> TakeTruncated()
    {
        lock (_lock)
        {
            List<FileCheckpoint> taken = [.. _truncated];
            _truncated.Clear();
            return taken;
        }
    }

    /// <summary>Saved positions of files not open now: what a copy found before its file reopened may continue.</summary>
    public List<FileCheckpoint> Closed()
    {
        lock (_lock)
        {
            return [.. _closed.Values.Select(entry => entry.File.Acknowledged).OfType<FileCheckpoint>()];
        }
    }

    /// <summary>True when a position is saved for this file (it is resumed, not compared with others).</summary>
    public bool Has(ulong device, ulong inode)
    {
        lock (_lock)
        {
            return _closed.ContainsKey((device, inode));
        }
    }

    /// <summary>Removes and returns the saved position of a file that is being opened again.</summary>
    public FileCheckpoint? Take(ulong device, ulong inode)
    {
        lock (_lock)
        {
            return _closed.Remove((device, inode), out var entry) ? entry.File.Acknowledged : null;
        }
    }

    public void Open(TrackedFile file)
    {
        lock (_lock)
        {
            _open.Add(file);
        }
    }

    public void Close(TrackedFile file, ulong device, ulong inode)
    {
        lock (_lock)
        {
            _open.Remove(file);
            _closed[(device, inode)] = (file, time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>What to persist now, in a stable order; closed entries past retention are dropped.</summary>
    public List<FileCheckpoint> Snapshot()
    {
        var oldest = (time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var stale = _closed.Where(entry => Math.Max(entry.Value.ClosedUnixMs, entry.Value.File.Acknowledged?.UpdatedUnixMs ?? 0) < oldest)
                .Select(entry => entry.Key).ToList();
            foreach (var key in stale)
            {
                _closed.Remove(key);
            }

            return [.. _open.Concat(_closed.Values.Select(entry => entry.File))
                .Select(file => file.Acknowledged)
                .OfType<FileCheckpoint>()
                .Concat(PendingTruncated?.Invoke() ?? [])
                .OrderBy(c => c.Device)
                .ThenBy(c => c.Inode)];
        }
    }
}
