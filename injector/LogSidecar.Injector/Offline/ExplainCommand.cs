using System.Text.Json.Nodes;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Text;
using YamlDotNet.Core;

namespace LogSidecar.Injector.Offline;

/// <summary>
/// <c>logsidecar-injector inject --explain -f FILE|-</c>: for each Pod and pod template of the input, the decision
/// (injected or not, and why) and every <c>logsidecar.io/</c> key's value with its source (pod, namespace or
/// default), through the same code path and Namespace documents as <c>inject</c>; no manifest is printed.
/// </summary>
internal static class ExplainCommand
{
    private const int KeyWidth = 32;

    /// <summary>Returns the exit code as <c>inject</c> does: 0, 1 when a pod would be denied, 2 for unreadable input.</summary>
    public static int Run(TextReader input, TextWriter output, TextWriter error, PodInjector injector)
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

        var manifests = InjectCommand.Manifests(documents).ToList();
        var namespaces = InputNamespaces.Read(manifests, error);
        var denied = false;
        var explained = 0;
        foreach (var (_, where, manifest) in manifests)
        {
            if (PodTemplateLocator.Find(manifest) is not { } template)
            {
                continue;
            }

            var ns = JsonText.String(manifest["metadata"]?["namespace"]);
            var name = JsonText.String(manifest["metadata"]?["name"]);
            explained++;
            if (namespaces.IsDisabled(ns))
            {
                output.WriteLine($"{JsonText.String(manifest["kind"])} {ns}/{name} ({where}): not injected: namespace {ns} is labelled logsidecar.io/injection=disabled, so no webhook is called for its pods");
                output.WriteLine();
                continue;
            }

            var request = namespaces.RequestFor(ns);

            // Inject works on a copy: explaining changes nothing.
            var outcome = injector.Inject(template.DeepClone().AsObject(), request);
            denied |= outcome.Kind == OutcomeKind.Denied;
            output.WriteLine($"{JsonText.String(manifest["kind"])} {(ns is null ? "" : ns + "/")}{name} ({where}): {Decision(outcome, ns)}");
            if (request.Defaults is null && ns is not null)
            {
                output.WriteLine($"  namespace {ns}: no Namespace document in the input, so no namespace defaults");
            }

            var values = injector.ReadValues(template, request);
            WriteValues(output, values, injector);

            // A pod that is not injected was answered before its values were read: their warnings come from reading them here.
            foreach (var warning in outcome.Warnings.Union(values.Warnings, StringComparer.Ordinal))
            {
                output.WriteLine($"  warning: {warning}");
            }

            output.WriteLine();
        }

        if (explained == 0)
        {
            output.WriteLine("no Pod or pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) in the input");
        }

        return denied ? 1 : 0;
    }

    private static string Decision(InjectionOutcome outcome, string? ns) => outcome.Kind switch
    {
        OutcomeKind.Injected => "injected",
        OutcomeKind.Denied => $"denied: {outcome.Message}",
        _ => "not injected: " + outcome.Skip switch
        {
            SkipReason.ExcludedNamespace => $"namespace {ns} is never injected (excludedNamespaces, or the injector's own namespace)",
            SkipReason.AlreadyInjected => $"it is injected already (it has {AnnotationKeys.Status} or a container with the sidecar's configuration)",
            SkipReason.OptedOut => $"it opts out with {AnnotationKeys.Inject}: \"false\"",
            SkipReason.NotOptedIn => $"it does not opt in with {AnnotationKeys.Inject}: \"true\"",
            SkipReason.Windows => "it runs on Windows, and the sidecar is a Linux image",
            _ => "the injector cannot handle it (see the warning)",
        },
    };

    /// <summary>Every key: the value used, where it came from, and a value that was given but not used.</summary>
    private static void WriteValues(TextWriter output, AnnotationParseResult parsed, PodInjector injector)
    {
        output.WriteLine($"  {"key",-KeyWidth} {"source",-9} value");
        foreach (var key in EffectiveAnnotations.NamespaceKeys)
        {
            var given = parsed.Given.TryGetValue(key, out var value);
            var source = parsed.Sources.TryGetValue(key, out var s) ? s : ValueSource.Default;
            string line;
            if (given && parsed.Applied.Contains(key, StringComparer.Ordinal))
            {
                line = $"{EffectiveAnnotations.Name(source),-9} {ValueText.Quote(value)}";
            }
            else if (given)
            {
                var why = parsed.Ignored.Contains(key, StringComparer.Ordinal) ? "ignored, see the warning" : parsed.IsDenied ? "not used: the pod is denied" : "not used";
                line = $"{"default",-9} {injector.DefaultOf(key)} ({EffectiveAnnotations.Name(source)} value {ValueText.Quote(value)} {why})";
            }
            else
            {
                line = $"{"default",-9} {injector.DefaultOf(key)}";
            }

            output.WriteLine($"  {key,-KeyWidth} {line}");
        }
    }
}
