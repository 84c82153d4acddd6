namespace LogSidecar.Injector.Mutation;

/// <summary>The result of looking at one pod.</summary>
internal enum OutcomeKind
{
    /// <summary>The patch adds the sidecar.</summary>
    Injected,

    /// <summary>Admitted unchanged (see <see cref="SkipReason"/>).</summary>
    Skipped,

    /// <summary>Rejected: the annotations would make a broken pod.</summary>
    Denied,
}
