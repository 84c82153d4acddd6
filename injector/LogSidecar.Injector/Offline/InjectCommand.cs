using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Mutation;
using YamlDotNet.Core;

namespace LogSidecar.Injector.Offline;

/// <summary>
/// <c>logsidecar-injector inject -f FILE|- [-o yaml|json]</c>: injects every Pod and pod template
/// (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) through the webhook's code path
/// and prints all documents, the others unchanged. Warnings and denials go to stderr.
/// </summary>
internal static class InjectCommand
{
    public const string Yaml = "yaml";
    public const string Json = "json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns the exit code: 0 done, 1 a pod was denied, 2 unreadable input.</summary>
    public static int Run(TextReader input, TextWriter output, TextWriter error, string format, PodInjector injector)
    {
        List<JsonNode?> documents;
        try
        {
            documents = YamlJson.ReadDocuments(input);
        }
        catch (YamlException e)
        {
            error.WriteLine($"logsidecar-injector: the input is not valid YAML or JSON: {e.Message}");
            return 2;
        }

        var failed = false;
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
                        failed |= !InjectOne(item, $"document {i + 1} item {j + 1}", error, injector);
                    }
                }
            }
            else
            {
                failed |= !InjectOne(manifest, $"document {i + 1}", error, injector);
            }
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
            YamlJson.WriteDocuments(documents, output);
        }

        return 0;
    }

    private static bool InjectOne(JsonObject manifest, string where, TextWriter error, PodInjector injector)
    {
        if (PodTemplateLocator.Find(manifest) is not { } pod)
        {
            return true;
        }

        var name = $"{where} ({JsonText.String(manifest["kind"])} {JsonText.String(manifest["metadata"]?["name"])})";
        var ns = JsonText.String(manifest["metadata"]?["namespace"]);
        var outcome = injector.Inject(pod, new InjectionRequest(ns, EnablementMode.NamespaceEnabled));
        foreach (var warning in outcome.Warnings)
        {
            error.WriteLine($"warning: {name}: {warning}");
        }

        switch (outcome.Kind)
        {
            case OutcomeKind.Injected:
                PatchApplier.Apply(pod, outcome.Patch);
                return true;
            case OutcomeKind.Denied:
                error.WriteLine($"error: {name}: {outcome.Message}");
                return false;
            default:
                return true;
        }
    }
}
