namespace LogSidecar.Injector.Annotations;

/// <summary>
/// The <c>logsidecar.io/</c> annotations of a pod's namespace: defaults for every pod in it that the pod's own
/// annotations override; and its <c>logsidecar.io/injection</c> label (<c>enabled</c>, <c>disabled</c> or null), which
/// decides whether its pods are injected unless they opt out, only when they opt in, or never. Only keys with the
/// prefix are kept, so a cache of every namespace stays small.
/// </summary>
internal sealed record NamespaceDefaults(string Name, IReadOnlyDictionary<string, string> Annotations, string? Injection = null)
{
    /// <summary>The defaults of <paramref name="name"/> from all of its annotations (null: none) and labels.</summary>
    public static NamespaceDefaults From(string name, IEnumerable<KeyValuePair<string, string>>? annotations, IReadOnlyDictionary<string, string>? labels = null) =>
        new(
            name,
            (annotations ?? []).Where(a => a.Key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal),
            labels?.GetValueOrDefault(AnnotationKeys.Injection));

    /// <summary>Labelled <c>logsidecar.io/injection=enabled</c>: every pod is injected unless it opts out.</summary>
    public bool IsEnabled => string.Equals(Injection, AnnotationKeys.Enabled, StringComparison.Ordinal);

    /// <summary>Labelled <c>logsidecar.io/injection=disabled</c>: no pod is injected, whatever it says.</summary>
    public bool IsDisabled => string.Equals(Injection, AnnotationKeys.Disabled, StringComparison.Ordinal);

    /// <summary>The <c>logsidecar.io/repair</c> annotation: true or false when set to one, else null (the configuration decides).</summary>
    public bool? Repair => Annotations.TryGetValue(AnnotationKeys.Repair, out var value) && bool.TryParse(value.Trim(), out var repair) ? repair : null;

    /// <summary>Same keys, values and label: a change worth looking at the namespace's pods again.</summary>
    public bool SameAs(NamespaceDefaults? other) =>
        other is not null && other.Injection == Injection && other.Annotations.Count == Annotations.Count
        && Annotations.All(a => other.Annotations.TryGetValue(a.Key, out var value) && value == a.Value);
}
