using LogSidecar.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace LogSidecar.Tailing;

/// <summary>
/// The result of <see cref="FileGate.Open"/>: the handle and real path when <see cref="OpenOutcome.Opened"/>,
/// the reason and what was found for <see cref="OpenOutcome.Skipped"/>, the error for <see cref="OpenOutcome.Failed"/>.
/// </summary>
internal readonly record struct OpenAttempt(OpenOutcome Outcome, SafeFileHandle? Handle = null, SkipReason Reason = default, string? Detail = null)
{
    public static OpenAttempt Gone => new(OpenOutcome.Gone);

    public static OpenAttempt Skip(SkipReason reason, string detail) => new(OpenOutcome.Skipped, Reason: reason, Detail: detail);
}
