namespace LogSidecar.Injector.Mutation;

/// <summary>
/// The <c>logsidecar.io/status</c> annotation of a pod that opted in but that the injector leaves
/// alone on purpose (a Windows pod): says why, so nobody takes the missing sidecar for a failure.
/// </summary>
internal sealed record SkippedStatus
{
    public required string Version { get; init; }

    /// <summary>The reason, as in the metrics (<c>windows</c>).</summary>
    public required string Skipped { get; init; }

    public required string Message { get; init; }
}
