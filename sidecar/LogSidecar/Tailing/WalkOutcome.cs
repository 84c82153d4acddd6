namespace LogSidecar.Tailing;

/// <summary>How a listing of a glob's directory tree ended.</summary>
internal enum WalkOutcome
{
    /// <summary>Every directory that could hold a match was listed.</summary>
    Complete,

    /// <summary>The glob's directory does not exist (yet).</summary>
    NoDirectory,

    /// <summary>The glob's directory is reached through a symbolic link: nothing under it is read.</summary>
    DirectoryIsLink,

    /// <summary>Stopped at <see cref="ScanLimits.MaxEntries"/>: some files may not have been seen.</summary>
    EntryLimit,

    /// <summary>Stopped because the sidecar is shutting down.</summary>
    Cancelled,
}
