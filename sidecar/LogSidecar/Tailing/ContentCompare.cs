using System.Buffers;
using LogSidecar.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>Byte-for-byte comparison of two files' beginnings: is one a copy of the other's first bytes?</summary>
internal static class ContentCompare
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>
    /// Whether <paramref name="candidate"/> starts with the first <paramref name="length"/> bytes of
    /// <paramref name="original"/>, the file <paramref name="identity"/> describes; null when the original
    /// no longer is that content (shorter, or other first bytes: truncated meanwhile), so no answer holds.
    /// </summary>
    public static bool? SamePrefix(SafeFileHandle original, FileIdentity identity, SafeFileHandle candidate, long length)
    {
        if (SamePrefix(original, candidate, length))
        {
            return true;
        }

        return PosixStat.TryGet(original, out var stat, out _) && stat.Size >= length && Fingerprint.Matches(original, identity) ? false : null;
    }

    /// <summary>True when both files have at least <paramref name="length"/> bytes and the same ones up to there.</summary>
    public static bool SamePrefix(SafeFileHandle first, SafeFileHandle second, long length)
    {
        var a = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var b = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long offset = 0; offset < length;)
            {
                var want = (int)Math.Min(ChunkBytes, length - offset);
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
