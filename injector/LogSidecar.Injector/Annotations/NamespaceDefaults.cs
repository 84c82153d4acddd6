namespace LogSidecar.Injector.Annotations;

/// <summary>
/// The <c>logsidecar.io/</c> annotations of a pod's namespace: defaults for every pod in it that the pod's own
/// annotations override. Only keys with the prefix are kept, so a cache of every namespace stays small.
/// </summary>
internal sealed record NamespaceDefaults(string Name, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The defaults of <paramref name="name"/> from all of its annotations (null: none).</summary>
    public static NamespaceDefaults From(string name, IEnumerable<KeyValuePair<string, string>>? annotations) =>
        new(name, (annotations ?? []).Where(a => a.Key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal));
}
