using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>Reads the pod's <c>logsidecar.io/inject</c> label (preferred) or annotation.</summary>
internal static class InjectFlag
{
    /// <summary>
    /// True or false when the pod says so; null when it says nothing usable. A value other than
    /// <c>true</c>/<c>false</c> adds a warning and counts as unset.
    /// </summary>
    public static bool? Read(IReadOnlyDictionary<string, string>? labels, IReadOnlyDictionary<string, string>? annotations, ICollection<string> warnings)
    {
        if (labels is not null && labels.TryGetValue(AnnotationKeys.Inject, out var label))
        {
            var fromLabel = Parse(label, "label", warnings);
            if (fromLabel is not null)
            {
                return fromLabel;
            }
        }

        return annotations is not null && annotations.TryGetValue(AnnotationKeys.Inject, out var annotation)
            ? Parse(annotation, "annotation", warnings)
            : null;
    }

    private static bool? Parse(string value, string where, ICollection<string> warnings)
    {
        var trimmed = value.Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        warnings.Add($"{AnnotationKeys.Inject} {where}: {ValueText.Quote(value)} is not true or false; it was ignored");
        return null;
    }
}
