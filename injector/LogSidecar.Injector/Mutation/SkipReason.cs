namespace LogSidecar.Injector.Mutation;

/// <summary>Why a pod was admitted without injection (a metric label).</summary>
internal enum SkipReason
{
    None,
    ExcludedNamespace,
    OptedOut,
    NotOptedIn,
    AlreadyInjected,
    NotCreate,
    CannotHandle,
}
