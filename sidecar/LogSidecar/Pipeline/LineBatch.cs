using System.Buffers;

namespace LogSidecar.Pipeline;

/// <summary>
/// A run of consecutive records from one file, sharing one pooled buffer. Batches, not single
/// records, cross the channel: a channel operation per line would cost more than the line itself.
/// The batch owns its arrays until <see cref="Release"/>, which gives the buffer back to where it
/// came from: the shared read budget (<see cref="ReadBufferPool"/>) for what tailers read.
/// </summary>
internal sealed class LineBatch
{
    private readonly ReadBufferPool? _pool;
    private byte[] _buffer;
    private LineRecord[] _records;

    public LineBatch(TrackedFile file, int bufferSize, DateTimeOffset readTime)
        : this(file, ArrayPool<byte>.Shared.Rent(bufferSize), pool: null, readTime)
    {
    }

    /// <summary>A batch over a buffer lent by <paramref name="pool"/>; <see cref="Release"/> returns it there.</summary>
    public LineBatch(TrackedFile file, byte[] buffer, ReadBufferPool? pool, DateTimeOffset readTime)
    {
        File = file;
        ReadTime = readTime;
        _pool = pool;
        _buffer = buffer;
        _records = ArrayPool<LineRecord>.Shared.Rent(256);
    }

    public TrackedFile File { get; }

    /// <summary>The file's identity when these bytes were read; the checkpoint pairs it with <see cref="EndOffset"/>.</summary>
    public FileIdentity? Identity { get; set; }

    /// <summary>The file's latest read mark when these bytes were read; saved with the checkpoint so a copy is recognised after a restart.</summary>
    public ReadMark? Mark { get; set; }

    public DateTimeOffset ReadTime { get; }

    /// <summary>File offset just past the last byte this batch accounts for.</summary>
    public long EndOffset { get; set; }

    public int Count { get; private set; }

    public byte[] Buffer => _buffer;

    public ReadOnlySpan<LineRecord> Records => _records.AsSpan(0, Count);

    public ReadOnlySpan<byte> Bytes(in LineRecord record) => _buffer.AsSpan(record.Start, record.Length);

    public void Add(LineRecord record)
    {
        if (Count == _records.Length)
        {
            var larger = ArrayPool<LineRecord>.Shared.Rent(_records.Length * 2);
            _records.AsSpan().CopyTo(larger);
            ArrayPool<LineRecord>.Shared.Return(_records);
            _records = larger;
        }

        _records[Count++] = record;
    }

    public void Release()
    {
        if (_pool is null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        else
        {
            _pool.Return(_buffer);
        }

        ArrayPool<LineRecord>.Shared.Return(_records);
        _buffer = [];
        _records = [];
        Count = 0;
    }
}
