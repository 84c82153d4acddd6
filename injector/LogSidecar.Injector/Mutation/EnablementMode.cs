namespace LogSidecar.Injector.Mutation;

/// <summary>How a pod reached the injector, which decides the default.</summary>
internal enum EnablementMode
{
    /// <summary>The namespace is labelled <c>logsidecar.io/injection=enabled</c>: inject unless the pod says false.</summary>
    NamespaceEnabled,

    /// <summary>Anywhere else: inject only if the pod says true.</summary>
    OptIn,
}
