namespace LogSidecar.Sinks.Batching;

/// <summary>
/// What one request came to beyond the per-item verdicts: why items will be retried (a metric label,
/// such as <c>status_429</c> or <c>network</c>) and how long the backend asked us to wait.
/// </summary>
internal readonly record struct SendOutcome(string? RetryReason, TimeSpan? RetryAfter)
{
    /// <summary>Records of an accepted request that the backend says it dropped without naming them.</summary>
    public UnattributedRejection? Unattributed { get; init; }

    /// <summary>The backend refused the request for its size (413): none of it was looked at.</summary>
    public bool TooLarge { get; init; }

    public static SendOutcome Done => default;
}
