namespace LogSidecar.Injector.Annotations;

/// <summary>Allowed values of the enumerated annotations; format and multiline use the configuration's <c>RecordFormats</c> and <c>MultilinePresets</c>.</summary>
internal static class AnnotationValues
{
    public static readonly IReadOnlyList<string> Modes = ["stdout", "ship", "both"];

    public static readonly IReadOnlyList<string> Sinks = ["elasticsearch", "opensearch", "loki", "otlp"];

    /// <summary>Sinks that write into a named index.</summary>
    public static readonly IReadOnlyList<string> IndexedSinks = ["elasticsearch", "opensearch"];

    public const string DefaultMode = "stdout";
}
