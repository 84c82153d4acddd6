namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// Polls a real cluster until a condition holds (there is no event to wait on from outside it).
/// The limit only bounds a failing test: no result depends on how long anything took.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    public static async Task<T> WaitAsync<T>(Func<Task<(bool Done, T Value)>> probe, string what, TimeSpan limit, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var pause = interval ?? DefaultInterval;
        var attempts = (int)Math.Ceiling(limit / pause);
        (bool Done, T Value) last = default;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            last = await probe();
            if (last.Done)
            {
                return last.Value;
            }

            await Task.Delay(pause, cancellationToken);
        }

        Assert.Fail($"Gave up waiting for {what} after {attempts} attempts; last seen: {last.Value}");
        return last.Value;
    }
}
