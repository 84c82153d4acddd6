using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Mutation;
using YamlDotNet.Core;

namespace LogSidecar.Injector.Offline;

/// <summary>
/// <c>logsidecar-injector inject -f FILE|- [-o yaml|json]</c>: injects every Pod and pod template
/// (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) through the webhook's code path, with
/// the <c>logsidecar.io/</c> annotations of the Namespace documents of the input as their namespace's
/// defaults, and prints all documents: injected ones written anew, the others exactly as they were read
/// (comments included). Warnings and denials go to stderr.
/// </summary>
internal static class InjectCommand
{
    public const string Yaml = "yaml";
    public const string Json = "json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns the exit code: 0 done, 1 a pod was denied, 2 unreadable input.</summary>
    public static int Run(TextReader input, TextWriter output, TextWriter error, string format, PodInjector injector)
    {
        var text = input.ReadToEnd();
        List<JsonNode?> documents;
        try
        {
            documents = YamlJson.ReadDocuments(new StringReader(text));
        }
        catch (YamlException e)
        {
            error.WriteLine($"logsidecar-injector: the input is not valid YAML or JSON: {e.Message}");
            return 2;
        }

        var namespaces = InputNamespaces.Read(Manifests(documents), error);
        var failed = false;
        var changed = new bool[documents.Count];
        foreach (var (index, where, manifest) in Manifests(documents))
        {
            Tally(InjectOne(manifest, where, error, injector, namespaces), ref failed, ref changed[index]);
        }

        if (failed)
        {
            return 1;
        }

        if (format == Json)
        {
            var single = documents.Count == 1
                ? documents[0]
                : new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. documents.Select(d => d?.DeepClone())]) };
            output.WriteLine(single?.ToJsonString(Indented) ?? "null");
        }
        else
        {
            WriteYaml(documents, changed, YamlDocumentText.Split(text), output);
        }

        return 0;
    }

    /// <summary>Every object of the input with its document index and how messages name its place; the items of a List one by one.</summary>
    public static IEnumerable<(int Index, string Where, JsonObject Manifest)> Manifests(List<JsonNode?> documents)
    {
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i] is not JsonObject manifest)
            {
                continue;
            }

            if (JsonText.String(manifest["kind"]) == "List" && manifest["items"] is JsonArray items)
            {
                for (var j = 0; j < items.Count; j++)
                {
                    if (items[j] is JsonObject item)
                    {
                        yield return (i, $"document {i + 1} item {j + 1}", item);
                    }
                }
            }
            else
            {
                yield return (i, $"document {i + 1}", manifest);
            }
        }
    }

    private static void Tally(Result result, ref bool failed, ref bool changed)
    {
        failed |= result == Result.Denied;
        changed |= result == Result.Injected;
    }

    /// <summary>Injected documents are written anew (their comments are lost); the others exactly as they were read.</summary>
    private static void WriteYaml(List<JsonNode?> documents, bool[] changed, List<string> texts, TextWriter output)
    {
        if (texts.Count != documents.Count)
        {
            // The split did not find the parser's documents (unusual markers): write everything anew rather than guess.
            YamlJson.WriteDocuments(documents, output);
            return;
        }

        for (var i = 0; i < documents.Count; i++)
        {
            if (changed[i])
            {
                YamlJson.WriteDocuments([documents[i]], output);
            }
            else
            {
                output.Write(texts[i].StartsWith("---", StringComparison.Ordinal) ? texts[i] : "---\n" + texts[i]);
            }
        }
    }

    private static Result InjectOne(JsonObject manifest, string where, TextWriter error, PodInjector injector, InputNamespaces namespaces)
    {
        if (PodTemplateLocator.Find(manifest) is not { } pod)
        {
            return Result.Unchanged;
        }

        var name = $"{where} ({JsonText.String(manifest["kind"])} {JsonText.String(manifest["metadata"]?["name"])})";
        var ns = JsonText.String(manifest["metadata"]?["namespace"]);
        if (namespaces.IsDisabled(ns))
        {
            return Result.Unchanged;
        }

        var outcome = injector.Inject(pod, namespaces.RequestFor(ns));
        foreach (var warning in outcome.Warnings)
        {
            error.WriteLine($"warning: {name}: {warning}");
        }

        switch (outcome.Kind)
        {
            case OutcomeKind.Injected:
                PatchApplier.Apply(pod, outcome.Patch);
                return Result.Injected;
            case OutcomeKind.Denied:
                error.WriteLine($"error: {name}: {outcome.Message}");
                return Result.Denied;
            case OutcomeKind.Skipped when outcome.Patch.Count > 0:
                PatchApplier.Apply(pod, outcome.Patch);
                return Result.Injected;
            default:
                return Result.Unchanged;
        }
    }

    private enum Result
    {
        Unchanged,
        Injected,
        Denied,
    }
}
