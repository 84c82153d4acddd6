namespace LogSidecar.Tailing;

/// <summary>What a file's first bytes say it is.</summary>
internal enum FileStart
{
    /// <summary>Not a compressed format: tailed as text.</summary>
    Text,

    /// <summary>Empty, or so short that it is still the beginning of a compression signature: look again when it has grown.</summary>
    TooShort,

    /// <summary>gzip (<c>1f 8b 08</c>), what logrotate's <c>compress</c> writes by default.</summary>
    Gzip,

    /// <summary>bzip2 (<c>BZh1</c>-<c>BZh9</c> and a block or end-of-stream magic).</summary>
    Bzip2,

    /// <summary>xz (<c>fd 37 7a 58 5a 00</c>).</summary>
    Xz,

    /// <summary>Zstandard (<c>28 b5 2f fd</c>).</summary>
    Zstd,
}
