namespace LogSidecar.Sinks.Batching;

/// <summary>
/// Exponential backoff with equal jitter and a cap: the n-th retry waits between half and all of
/// min(initial * 2^n, max), so sidecars that failed together do not retry together. A delay the
/// server asked for (Retry-After) wins when it is at least <see cref="ShortestRetryAfter"/>; a
/// shorter one (<c>Retry-After: 0</c>, a date in the past) would make every client retry at once
/// with no jitter, so the backoff applies then, and never less than that floor (as the OpenTelemetry
/// exporters clamp a server's throttle delay).
/// </summary>
internal sealed class RetrySchedule(TimeSpan initial, TimeSpan max)
{
    public static readonly TimeSpan ShortestRetryAfter = TimeSpan.FromMilliseconds(100);

    public TimeSpan Delay(int attempt, TimeSpan? retryAfter, double random)
    {
        if (retryAfter is { } asked && asked >= ShortestRetryAfter)
        {
            return asked;
        }

        var ceiling = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        ceiling = Math.Min(ceiling, max.TotalMilliseconds);
        var backoff = TimeSpan.FromMilliseconds(ceiling * (0.5 + (random / 2)));

        // Told to retry at once: the floor plus the jittered backoff, so clients told the same thing still spread out.
        return retryAfter is null || backoff >= ShortestRetryAfter ? backoff : ShortestRetryAfter + backoff;
    }
}
