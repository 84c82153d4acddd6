namespace LogSidecar.Tailing;

/// <summary>What came of trying to open a discovered file.</summary>
internal enum OpenOutcome
{
    /// <summary>Open, and verified to be a regular file under the glob's directory.</summary>
    Opened,

    /// <summary>Refused on purpose (see <see cref="Diagnostics.SkipReason"/>).</summary>
    Skipped,

    /// <summary>The file system refused (permissions, I/O): worth telling the operator.</summary>
    Failed,

    /// <summary>Gone or replaced between listing and opening: the next poll looks again.</summary>
    Gone,
}
