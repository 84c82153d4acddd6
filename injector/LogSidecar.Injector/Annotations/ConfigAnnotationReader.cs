using System.Text.Json;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Reads <c>logsidecar.io/config</c>: <c>{"streams":[{"name","paths","exclude","startAt","format","regex","multiline","mode","container"}]}</c>.
/// Relative globs are taken under the mount path; the format/regex/multiline annotations are the default of every stream. Broken JSON is denied; unknown fields are warned about.
/// </summary>
internal static class ConfigAnnotationReader
{
    private static readonly string[] StreamFields = ["name", "paths", "exclude", "startAt", "format", "regex", "multiline", "mode", "container"];

    public static List<StreamConfig>? Read(string json, string mountPath, FormatChoice defaults, AnnotationFindings findings)
    {
        const string Key = AnnotationKeys.Config;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            findings.Deny(Key, $"not valid JSON ({JsonErrors.Describe(e)}); give an object such as {{\"streams\":[{{\"name\":\"app\",\"paths\":[\"*.log\"]}}]}}");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
            {
                findings.Deny(Key, "needs an object with a non-empty \"streams\" array, such as {\"streams\":[{\"name\":\"app\",\"paths\":[\"*.log\"]}]}");
                return null;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "streams")
                {
                    findings.Ignore(Key, $"unknown field {ValueText.Quote(property.Name)} was ignored; only \"streams\" is read");
                }
            }

            var result = new List<StreamConfig>();
            var index = 0;
            foreach (var element in streams.EnumerateArray())
            {
                if (ReadStream(element, $"streams[{index}].", mountPath, defaults, findings) is { } stream)
                {
                    result.Add(stream);
                }

                index++;
            }

            return findings.Denials.Count > 0 ? null : result;
        }
    }

    private static StreamConfig? ReadStream(JsonElement element, string at, string mountPath, FormatChoice defaults, AnnotationFindings findings)
    {
        const string Key = AnnotationKeys.Config;
        if (element.ValueKind != JsonValueKind.Object)
        {
            findings.Deny(Key, $"{at[..^1]} is not an object; give {{\"name\":\"app\",\"paths\":[\"*.log\"]}}");
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!StreamFields.Contains(property.Name, StringComparer.Ordinal))
            {
                findings.Ignore(Key, $"{at}{ValueText.Quote(property.Name)}: unknown field was ignored; known fields are {string.Join(", ", StreamFields)}");
            }
        }

        var stream = new StreamConfig
        {
            Name = String(element, "name", at, findings) ?? "",
            StartAt = String(element, "startAt", at, findings) ?? StartPositions.Head,

            // Per stream: stdout, ship or both; the backend is the pod's (logsidecar.io/sink and endpoint).
            Mode = String(element, "mode", at, findings),

            // The app container that writes these files; checked against the pod's containers by the injector.
            Container = String(element, "container", at, findings),
        };

        var paths = Strings(element, "paths", at, findings);
        for (var i = 0; i < paths.Count; i++)
        {
            if (PathRules.ResolveGlob(paths[i].Trim(), mountPath, out var problem) is { } resolved)
            {
                stream.Paths.Add(resolved);
            }
            else
            {
                findings.Deny(Key, $"{at}paths[{i}]: {problem}");
            }
        }

        stream.Exclude.AddRange(Strings(element, "exclude", at, findings));
        var own = FormatRules.Check(
            String(element, "format", at, findings),
            String(element, "regex", at, findings),
            String(element, "multiline", at, findings),
            FormatKeys.Config,
            at,
            findings);
        defaults.ApplyTo(stream, own);
        return stream;
    }

    private static string? String(JsonElement element, string name, string at, AnnotationFindings findings)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            findings.Deny(AnnotationKeys.Config, $"{at}{name}: must be a string");
            return null;
        }

        return value.GetString();
    }

    private static List<string> Strings(JsonElement element, string name, string at, AnnotationFindings findings)
    {
        var result = new List<string>();
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            result.Add(value.GetString()!);
            return result;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            findings.Deny(AnnotationKeys.Config, $"{at}{name}: must be an array of strings");
            return result;
        }

        result.AddRange(value.EnumerateArray().Select(item => item.GetString()!));
        return result;
    }
}
