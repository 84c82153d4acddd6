namespace LogSidecar.Contracts.Annotations;

/// <summary>Allowed values of the enumerated annotations.</summary>
public static class AnnotationValues
{
    public static readonly IReadOnlyList<string> Formats = ["plain", "json", "logfmt", "regex", "klog", "k8s-audit"];

    /// <summary>Multiline presets; any other value is a first-line regular expression.</summary>
    public static readonly IReadOnlyList<string> MultilinePresets = ["java", "dotnet", "python", "go"];

    public static readonly IReadOnlyList<string> Modes = ["stdout", "ship", "both"];

    public static readonly IReadOnlyList<string> Sinks = ["elasticsearch", "opensearch", "loki", "otlp"];

    /// <summary>Sinks that write into a named index.</summary>
    public static readonly IReadOnlyList<string> IndexedSinks = ["elasticsearch", "opensearch"];

    public const string DefaultMode = "stdout";
    public const string DefaultFormat = "plain";
    public const string RegexFormat = "regex";
}
