namespace LogSidecar.Injector.Annotations;

/// <summary>The keys under which format, regex and multiline findings are reported.</summary>
internal sealed record FormatKeys(string Format, string Regex, string Multiline)
{
    public static readonly FormatKeys Annotations = new(AnnotationKeys.Format, AnnotationKeys.Regex, AnnotationKeys.Multiline);

    public static readonly FormatKeys Config = new(AnnotationKeys.Config, AnnotationKeys.Config, AnnotationKeys.Config);
}
