namespace LogSidecar.Sources.Audit;

/// <summary>What became of a batch handed to the <see cref="AuditSpool"/>.</summary>
internal enum SpoolOutcome
{
    /// <summary>Written and flushed to disk: it may be answered 200.</summary>
    Written,

    /// <summary>Not written: the spool holds its byte budget (answer 429).</summary>
    Full,

    /// <summary>Not written: the disk refused it (answer 503); nothing of it is left in the spool.</summary>
    Failed,
}
