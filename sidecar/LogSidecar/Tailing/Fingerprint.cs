using System.Buffers;
using LogSidecar.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>FNV-1a over a file's first bytes: stable across processes, unlike HashCode, and cheap for 1 KiB.</summary>
internal static class Fingerprint
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = OffsetBasis;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    /// <summary>Reads up to <paramref name="window"/> bytes from the start of the file and hashes them.</summary>
    public static (int Length, ulong Hash) Read(SafeFileHandle handle, int window)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(window);
        try
        {
            var total = 0;
            while (total < window)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(total, window - total), total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return (total, Hash(buffer.AsSpan(0, total)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True when the file still starts with the bytes <paramref name="identity"/> was taken from.</summary>
    public static bool Matches(SafeFileHandle handle, FileIdentity identity)
    {
        var (length, hash) = Read(handle, identity.FingerprintLength);
        return length == identity.FingerprintLength && hash == identity.FingerprintHash;
    }
}
