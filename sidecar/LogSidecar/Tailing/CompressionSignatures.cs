using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// Recognises compressed files by their first bytes, not their names (logrotate's <c>compressext</c>
/// and hand-made archives use any name). The signatures are long enough that a text log cannot start
/// with one by accident: gzip's includes the deflate method byte, bzip2's the block magic after the
/// level digit.
/// </summary>
internal static class CompressionSignatures
{
    private static readonly (FileStart Format, byte[] Bytes)[] Signatures = Build();

    /// <summary>Bytes needed to tell every format apart.</summary>
    public static int Length { get; } = Signatures.Max(s => s.Bytes.Length);

    /// <summary>Reads the first bytes of <paramref name="handle"/> and classifies them.</summary>
    public static FileStart Read(SafeFileHandle handle)
    {
        Span<byte> start = stackalloc byte[Length];
        var total = 0;
        while (total < start.Length)
        {
            var read = RandomAccess.Read(handle, start[total..], total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return Classify(start[..total]);
    }

    /// <summary>The format's usual name, for messages.</summary>
    public static string Name(FileStart format) => format switch
    {
        FileStart.Gzip => "gzip",
        FileStart.Bzip2 => "bzip2",
        FileStart.Xz => "xz",
        FileStart.Zstd => "zstd",
        _ => "not",
    };

    public static FileStart Classify(ReadOnlySpan<byte> start)
    {
        var couldStillBe = false;
        foreach (var (format, bytes) in Signatures)
        {
            var compared = Math.Min(start.Length, bytes.Length);
            if (start[..compared].SequenceEqual(bytes.AsSpan(0, compared)))
            {
                if (compared == bytes.Length)
                {
                    return format;
                }

                couldStillBe = true;
            }
        }

        return couldStillBe ? FileStart.TooShort : FileStart.Text;
    }

    private static (FileStart, byte[])[] Build()
    {
        var signatures = new List<(FileStart, byte[])>
        {
            (FileStart.Gzip, [0x1F, 0x8B, 0x08]),
            (FileStart.Xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
            (FileStart.Zstd, [0x28, 0xB5, 0x2F, 0xFD]),
        };

        // "BZh" and the block size digit, then pi (a block) or sqrt(pi) (end of stream: an empty input).
        foreach (var level in "123456789"u8.ToArray())
        {
            signatures.Add((FileStart.Bzip2, [.. "BZh"u8, level, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]));
            signatures.Add((FileStart.Bzip2, [.. "BZh"u8, level, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90]));
        }

        return [.. signatures];
    }
}
