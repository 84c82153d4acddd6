namespace LogSidecar.Tailing;

/// <summary>The file type bits of <c>st_mode</c>: only <see cref="Regular"/> files are ever tailed.</summary>
internal enum FileKind
{
    /// <summary>A type this enum does not name.</summary>
    Other,

    /// <summary>A regular file: the only kind that is read.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (seen only through lstat).</summary>
    SymbolicLink,

    /// <summary>A named pipe: opening it for reading blocks until a writer appears, reading never ends.</summary>
    Fifo,

    /// <summary>A Unix domain socket: cannot be opened as a file.</summary>
    Socket,

    /// <summary>A character device (a terminal, /dev/zero): reading may block or never end.</summary>
    CharacterDevice,

    /// <summary>A block device (a disk).</summary>
    BlockDevice,
}
