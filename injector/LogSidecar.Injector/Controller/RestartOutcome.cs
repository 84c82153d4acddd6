namespace LogSidecar.Injector.Controller;

/// <summary>
/// What a restart attempt did, and for people why (and what to do), except for <see cref="RestartResult.Restarted"/>;
/// for <see cref="RestartResult.HeldByHourlyCap"/> and <see cref="RestartResult.Failed"/>, when to try again.
/// </summary>
internal sealed record RestartOutcome(RestartResult Result, string Why = "", TimeSpan? RetryAfter = null)
{
    public static readonly RestartOutcome Done = new(RestartResult.Restarted);

    /// <summary>Held by a limit, refused or failed: evented as <c>LogSidecarRestartHeld</c>.</summary>
    public bool IsHeld => Result is RestartResult.HeldByInterval or RestartResult.HeldByHourlyCap or RestartResult.Refused or RestartResult.Failed;

    /// <summary>Tried again later: the hour's cap allows a restart then, or the API server may answer.</summary>
    public bool IsDeferred => Result is RestartResult.HeldByHourlyCap or RestartResult.Failed;
}
