namespace LogSidecar.Tailing;

/// <summary>
/// Files waiting for a descriptor, first come first served, each at most once (device + inode).
/// Owned by the discovery loop.
/// </summary>
internal sealed class WaitingLine
{
    private readonly LinkedList<(ulong Device, ulong Inode)> _order = new();
    private readonly Dictionary<(ulong Device, ulong Inode), (WaitingFile File, LinkedListNode<(ulong, ulong)> Node)> _files = [];

    public int Count => _files.Count;

    public IEnumerable<(ulong Device, ulong Inode)> Keys => _order;

    public bool Contains((ulong, ulong) key) => _files.ContainsKey(key);

    /// <summary>Joins the end of the line, or, for a file already waiting, notes where it is now and keeps its place.</summary>
    public void Add((ulong, ulong) key, WaitingFile file)
    {
        if (_files.TryGetValue(key, out var entry))
        {
            _files[key] = (file, entry.Node);
            return;
        }

        _files[key] = (file, _order.AddLast(key));
    }

    public bool TryTake(out (ulong Device, ulong Inode) key, out WaitingFile? file)
    {
        if (_order.First is not { } first)
        {
            (key, file) = (default, null);
            return false;
        }

        key = first.Value;
        file = _files[key].File;
        Remove(key);
        return true;
    }

    public bool Remove((ulong, ulong) key, out WaitingFile? file)
    {
        if (!_files.Remove(key, out var entry))
        {
            file = null;
            return false;
        }

        _order.Remove(entry.Node);
        file = entry.File;
        return true;
    }

    public bool Remove((ulong, ulong) key) => Remove(key, out _);
}
