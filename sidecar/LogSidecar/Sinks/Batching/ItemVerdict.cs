namespace LogSidecar.Sinks.Batching;

/// <summary>What the backend's answer means for one record.</summary>
internal enum ItemVerdict : byte
{
    /// <summary>Not answered yet; treated as <see cref="Retry"/>.</summary>
    Unknown = 0,

    /// <summary>Stored (or already stored: a duplicate id).</summary>
    Delivered,

    /// <summary>Not stored for a reason that may pass: send it again after a delay.</summary>
    Retry,

    /// <summary>Refused for good (a mapping error, a malformed line): dead-lettered, never sent again.</summary>
    Rejected,
}
