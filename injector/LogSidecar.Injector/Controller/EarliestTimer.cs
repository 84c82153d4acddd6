namespace LogSidecar.Injector.Controller;

/// <summary>
/// One timer for many requests to act later: it fires once, at the earliest time asked for since it last fired, so
/// repairs deferred by the hourly cap and by failed restarts share one list of the pods rather than one each. Stopped,
/// it fires no more (leadership ended).
/// </summary>
internal sealed class EarliestTimer(TimeProvider time, Action fire) : IDisposable
{
    // Keeps _timer the one pending timer, due at _at; none once stopped.
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private DateTimeOffset _at;
    private bool _stopped;

    /// <summary>Fires after <paramref name="wait"/>, unless it is due sooner already.</summary>
    public void After(TimeSpan wait)
    {
        var at = time.GetUtcNow() + wait;
        lock (_lock)
        {
            if (_stopped || (_timer is not null && _at <= at))
            {
                return;
            }

            _timer?.Dispose();
            _at = at;
            _timer = time.CreateTimer(_ => Fire(), null, wait, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Fire()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            if (_stopped)
            {
                return;
            }
        }

        fire();
    }
}
