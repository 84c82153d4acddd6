using System.Buffers.Text;
using System.IO.Hashing;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// A record's id: the file's device and inode, the record's offset, and a hash of its bytes. The
/// same record read again after a crash or sent again in a retry gets the same id, so a backend that
/// deduplicates by id (Elasticsearch <c>create</c>) stores it once; a different file that reuses the
/// inode has different bytes at that offset. Unlike the file's fingerprint, nothing here changes as
/// the file grows. A copy of a truncated file (copytruncate) names the file its bytes were first read
/// from (<see cref="FileIdentity.RecordInode"/>), so its records keep the same ids.
/// </summary>
internal readonly record struct RecordId(ulong Device, ulong Inode, long Offset, ulong ContentHash)
{
    /// <summary>Longest text form: four hex numbers and three dashes.</summary>
    public const int MaxLength = (4 * 16) + 3;

    public static RecordId Of(ulong device, ulong inode, long offset, ReadOnlySpan<byte> bytes) =>
        new(device, inode, offset, XxHash3.HashToUInt64(bytes));

    /// <summary>The id of a record of a batch, from the file identity the batch was read under.</summary>
    public static RecordId Of(LineBatch batch, in LineRecord record) =>
        Of(batch.Identity!.RecordDevice, batch.Identity.RecordInode, record.FileOffset, batch.Bytes(record));

    /// <summary>The id of a prepared record: that of its bytes as read.</summary>
    public static RecordId Of(PreparedRecord record) => Of(record.Batch, record.Line);

    /// <summary>Writes the id as lowercase hex, such as <c>803-1a2b-4f0-9c1e...</c>.</summary>
    public int Format(Span<byte> destination)
    {
        var written = 0;
        Append(destination, ref written, Device, dash: false);
        Append(destination, ref written, Inode, dash: true);
        Append(destination, ref written, (ulong)Offset, dash: true);
        Append(destination, ref written, ContentHash, dash: true);
        return written;
    }

    private static void Append(Span<byte> destination, ref int written, ulong value, bool dash)
    {
        if (dash)
        {
            destination[written++] = (byte)'-';
        }

        Utf8Formatter.TryFormat(value, destination[written..], out var length, new System.Buffers.StandardFormat('x'));
        written += length;
    }
}
