namespace LogSidecar.Injector.Controller;

/// <summary>
/// What a restart attempt did, and for people why (and what to do), except for <see cref="RestartResult.Restarted"/>;
/// for <see cref="RestartResult.HeldByHourlyCap"/>, how long until the cap allows a restart again.
/// </summary>
internal sealed record RestartOutcome(RestartResult Result, string Why = "", TimeSpan? RetryAfter = null)
{
    public static readonly RestartOutcome Done = new(RestartResult.Restarted);

    /// <summary>Held by a limit or refused: evented as <c>LogSidecarRestartHeld</c>.</summary>
    public bool IsHeld => Result is RestartResult.HeldByInterval or RestartResult.HeldByHourlyCap or RestartResult.Refused;
}
