namespace LogSidecar.Injector.Annotations;

/// <summary>
/// A pod's <c>logsidecar.io/</c> annotations over its namespace's: pod &gt; namespace &gt; injector configuration.
/// Keys that only make sense together are taken from one place: a pod that sets any key of a group gets none
/// of that group from its namespace (its own <c>paths</c> are not overridden by a namespace <c>config</c>, its
/// own backend is not mixed with the namespace's endpoint).
/// </summary>
internal sealed class EffectiveAnnotations
{
    /// <summary>Keys a namespace annotation may give a default for: every pod annotation but the opt-in and the status.</summary>
    public static readonly IReadOnlyList<string> NamespaceKeys =
        [.. AnnotationKeys.PodAnnotations.Where(key => key is not (AnnotationKeys.Inject or AnnotationKeys.Status))];

    private static readonly string[][] Groups =
    [
        [AnnotationKeys.Paths, AnnotationKeys.Config],
        [AnnotationKeys.Format, AnnotationKeys.Regex],
        [AnnotationKeys.Sink, AnnotationKeys.Endpoint, AnnotationKeys.Index, AnnotationKeys.Secret],
    ];

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueSource> _sources = new(StringComparer.Ordinal);

    private EffectiveAnnotations(string? namespaceName)
    {
        NamespaceName = namespaceName;
    }

    /// <summary>The namespace whose defaults were read, or null.</summary>
    public string? NamespaceName { get; }

    /// <summary>The trimmed value of each key set on the pod or its namespace.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Where each key that has a value got it from (pod or namespace).</summary>
    public IReadOnlyDictionary<string, ValueSource> Sources => _sources;

    public static EffectiveAnnotations Merge(IReadOnlyDictionary<string, string> pod, NamespaceDefaults? ns)
    {
        var merged = new EffectiveAnnotations(ns?.Name);
        if (ns is not null)
        {
            foreach (var key in NamespaceKeys)
            {
                var group = Groups.FirstOrDefault(g => g.Contains(key, StringComparer.Ordinal)) ?? [key];
                if (ns.Annotations.TryGetValue(key, out var value) && !group.Any(pod.ContainsKey))
                {
                    merged._values[key] = value.Trim();
                    merged._sources[key] = ValueSource.Namespace;
                }
            }
        }

        foreach (var (key, value) in pod)
        {
            if (key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal))
            {
                merged._values[key] = value.Trim();
                merged._sources[key] = ValueSource.Pod;
            }
        }

        return merged;
    }

    /// <summary>The trimmed value of <paramref name="key"/>, or null when neither the pod nor its namespace sets it.</summary>
    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    public bool Has(string key) => _values.ContainsKey(key);

    public ValueSource SourceOf(string key) => _sources.TryGetValue(key, out var source) ? source : ValueSource.Default;

    /// <summary>The name of a source in the status annotation and in <c>inject --explain</c>.</summary>
    public static string Name(ValueSource source) => source switch
    {
        ValueSource.Pod => "pod",
        ValueSource.Namespace => "namespace",
        _ => "default",
    };

    /// <summary>How messages name the key: as it is on the pod, or as the namespace's annotation.</summary>
    public string Where(string key) => SourceOf(key) == ValueSource.Namespace ? $"namespace {NamespaceName} annotation {key}" : key;
}
