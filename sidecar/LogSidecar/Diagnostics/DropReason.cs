namespace LogSidecar.Diagnostics;

/// <summary>Why bytes or records did not reach the output whole; each is counted separately.</summary>
internal enum DropReason
{
    /// <summary>Bytes past the maximum line length.</summary>
    LineTooLong,

    /// <summary>Message bytes cut to fit the runtime's line limit (oversize policy truncate).</summary>
    RecordTooLarge,

    /// <summary>Bytes of a file that waited for a descriptor and was deleted or renamed out of every glob before they were read.</summary>
    GoneBeforeRead,

    /// <summary>Bytes seen in a file that was truncated before they were read, and not found in a copy of it (the copytruncate race).</summary>
    TruncatedBeforeRead,
}
