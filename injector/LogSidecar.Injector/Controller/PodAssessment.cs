namespace LogSidecar.Injector.Controller;

/// <summary>
/// The verdict on one pod: its state, why (a sentence for people: Events, logs, <c>check</c>), the injector version
/// that injected it (null when none did) and, for drift, the configHash it would get now (so a later change is told again).
/// </summary>
internal sealed record PodAssessment(PodState State, string Why, string? Version = null, string? CurrentHash = null)
{
    /// <summary>Whether it has a sidecar.</summary>
    public bool Injected => Version is not null;
}
