namespace LogSidecar.Shipping;

/// <summary>
/// Exponential backoff with equal jitter and a cap: the n-th retry waits between half and all of
/// min(initial * 2^n, max), so sidecars that failed together do not retry together. A delay the
/// server asked for (Retry-After) wins.
/// </summary>
internal sealed class RetrySchedule(TimeSpan initial, TimeSpan max)
{
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter, double random)
    {
        if (retryAfter is { } asked)
        {
            return asked;
        }

        var ceiling = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        ceiling = Math.Min(ceiling, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random / 2)));
    }
}
