namespace LogSidecar.Injector.Annotations;

/// <summary>
/// The outcome of reading a pod's <c>logsidecar.io/</c> keys: the settings (null when denied),
/// warnings for the admission response, and denials that say what to change.
/// </summary>
internal sealed record AnnotationParseResult
{
    public InjectionSettings? Settings { get; init; }

    /// <summary>Reasons the pod must be rejected; empty when it may be injected.</summary>
    public IReadOnlyList<string> Denials { get; init; } = [];

    /// <summary>Admission warnings: unknown keys, bad values replaced by defaults, values not yet applied.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Keys whose values were used.</summary>
    public IReadOnlyList<string> Applied { get; init; } = [];

    /// <summary>Keys that were ignored (unknown key, bad value, or superseded).</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>Where each key that had a value got it (pod or namespace); other keys took the injector's configuration.</summary>
    public IReadOnlyDictionary<string, ValueSource> Sources { get; init; } = new Dictionary<string, ValueSource>();

    /// <summary>The trimmed value of each key set on the pod or its namespace, before it was checked.</summary>
    public IReadOnlyDictionary<string, string> Given { get; init; } = new Dictionary<string, string>();

    public bool IsDenied => Denials.Count > 0;
}
