namespace LogSidecar.Injector.Annotations;

/// <summary>Where the value of a <c>logsidecar.io/</c> key came from, most specific first.</summary>
internal enum ValueSource
{
    /// <summary>The injector's configuration or its built-in default.</summary>
    Default,

    /// <summary>An annotation on the pod's namespace.</summary>
    Namespace,

    /// <summary>An annotation on the pod (or its template).</summary>
    Pod,
}
