using System.IO.Hashing;
using LogSidecar.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Marks of one file's content as it is read: after each read, a hash of its last bytes and where they
/// end (<see cref="ReadMark"/>). The first mark and the most recent ones are kept, older ones thinned
/// out, so a copy taken at any size meets a mark at or below its end. This is what recognises a copy
/// of the content after the file itself was truncated, when its bytes can no longer be compared.
/// Written by the file's tailer, read by discovery.
/// </summary>
internal sealed class ContentMarks
{
    /// <summary>Bytes hashed at the end of each read.</summary>
    public const int WindowBytes = 4096;

    private const int Capacity = 16;

    // Guards _marks: the tailer adds, discovery and truncation take snapshots.
    private readonly Lock _lock = new();
    private readonly List<ReadMark> _marks = new(Capacity);

    /// <summary>Notes that a read ended at <paramref name="end"/> with <paramref name="lastBytes"/> (only the last <see cref="WindowBytes"/> are hashed).</summary>
    public void Add(long end, ReadOnlySpan<byte> lastBytes)
    {
        var window = lastBytes[Math.Max(0, lastBytes.Length - WindowBytes)..];
        var mark = new ReadMark(end, window.Length, XxHash3.HashToUInt64(window));
        lock (_lock)
        {
            if (_marks.Count == Capacity)
            {
                // Thin the older half, keeping the first mark: spacing grows with age.
                for (var i = Capacity / 2 - 1; i >= 1; i -= 2)
                {
                    _marks.RemoveAt(i);
                }
            }

            _marks.Add(mark);
        }
    }

    public ReadMark[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _marks];
        }
    }

    /// <summary>The most recent mark, or null before the first read.</summary>
    public ReadMark? Latest
    {
        get
        {
            lock (_lock)
            {
                return _marks.Count == 0 ? null : _marks[^1];
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _marks.Clear();
        }
    }

    /// <summary>
    /// The furthest of <paramref name="marks"/> that a file of <paramref name="size"/> bytes reaches and
    /// matches (the same bytes before that mark's end), or null when it reaches none or differs there.
    /// </summary>
    public static ReadMark? Matching(SafeFileHandle file, long size, IEnumerable<ReadMark> marks)
    {
        var reached = marks.Where(mark => mark.End <= size && mark.Window > 0).OrderByDescending(mark => mark.End).FirstOrDefault();
        if (reached.Window == 0)
        {
            return null;
        }

        Span<byte> window = stackalloc byte[WindowBytes];
        var bytes = window[..reached.Window];
        var total = 0;
        while (total < bytes.Length)
        {
            var read = RandomAccess.Read(file, bytes[total..], reached.End - reached.Window + total);
            if (read == 0)
            {
                return null;
            }

            total += read;
        }

        return XxHash3.HashToUInt64(bytes) == reached.Hash ? reached : null;
    }
}
