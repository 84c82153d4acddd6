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

    /// <summary>spec.os.name windows (or a windows nodeSelector): the sidecar is a Linux image with a Linux securityContext.</summary>
    Windows,
}
