namespace LogSidecar.Diagnostics;

/// <summary>Why discovery left a path alone; each is reported once on stderr and counted by reason.</summary>
internal enum SkipReason
{
    /// <summary>A link (to a file or a directory) that resolves outside the glob's directory.</summary>
    OutsideRoot,

    /// <summary>Not a regular file: a FIFO, socket or device would block, or never end.</summary>
    NotRegular,

    /// <summary>Starts with a gzip, bzip2, xz or zstd signature: a compressed copy of a rotated file.</summary>
    Compressed,

    /// <summary>A directory link back to a directory the walk is already inside.</summary>
    Loop,

    /// <summary>A directory deeper than <c>tailing.maxDepth</c> below the glob's directory.</summary>
    TooDeep,
}
