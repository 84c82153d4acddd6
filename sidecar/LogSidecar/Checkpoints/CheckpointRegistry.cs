using LogSidecar.Tailing;

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

    public void Load(IEnumerable<FileCheckpoint> checkpoints)
    {
        lock (_lock)
        {
            foreach (var checkpoint in checkpoints)
            {
                _closed[(checkpoint.Device, checkpoint.Inode)] = (new TrackedFile(checkpoint.Path, "") { Acknowledged = checkpoint }, checkpoint.UpdatedUnixMs);
            }
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
                .OrderBy(c => c.Device)
                .ThenBy(c => c.Inode)];
        }
    }
}
