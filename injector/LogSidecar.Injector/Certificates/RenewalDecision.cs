namespace LogSidecar.Injector.Certificates;

/// <summary>A <see cref="RenewalAction"/> and why, for the log.</summary>
internal sealed record RenewalDecision(RenewalAction Action, string Reason);
