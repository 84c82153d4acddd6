using System.Buffers;
using LogSidecar.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>Byte-for-byte comparison of two files over a range: is one a copy of the other's bytes?</summary>
internal static class ContentCompare
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Whether <paramref name="candidate"/> holds the bytes of <paramref name="original"/>, the file
    /// <paramref name="identity"/> describes, from <paramref name="from"/> up to <paramref name="end"/>;
    /// null when the original no longer is that content (shorter, or other first bytes: truncated
    /// meanwhile), so no answer holds.
    /// </summary>
    public static bool? SameBytes(SafeFileHandle original, FileIdentity identity, SafeFileHandle candidate, long from, long end)
    {
        if (SameBytes(original, candidate, from, end))
        {
            return true;
        }

        return PosixStat.TryGet(original, out var stat, out _) && stat.Size >= end && Fingerprint.Matches(original, identity) ? false : null;
    }

    /// <summary>True when both files reach <paramref name="end"/> and hold the same bytes from <paramref name="from"/> up to there.</summary>
    private static bool SameBytes(SafeFileHandle first, SafeFileHandle second, long from, long end)
    {
        var a = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var b = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (var offset = from; offset < end;)
            {
                var want = (int)Math.Min(ChunkBytes, end - offset);
                if (!ReadExactly(first, a.AsSpan(0, want), offset) || !ReadExactly(second, b.AsSpan(0, want), offset)
                    || !a.AsSpan(0, want).SequenceEqual(b.AsSpan(0, want)))
                {
                    return false;
                }

                offset += want;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static bool ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(file, buffer[total..], offset + total);
            if (read == 0)
            {
                return false;
            }

            total += read;
        }

        return true;
    }
}
