using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Offline;

/// <summary>
/// The Namespace documents of an offline input: their <c>logsidecar.io/</c> annotations are the defaults of the
/// manifests in that namespace, and their <c>logsidecar.io/injection</c> label chooses the webhook as in the
/// cluster (<c>enabled</c>: every pod unless it says false; <c>disabled</c>: none; otherwise only pods that say
/// true). A manifest without <c>metadata.namespace</c>, or in a namespace the input does not define, gets only the
/// injector's configuration and counts as enabled: offline, the input is what the user asked to inject.
/// </summary>
internal sealed class InputNamespaces
{
    private readonly Dictionary<string, NamespaceDefaults> _namespaces = new(StringComparer.Ordinal);

    public static InputNamespaces Read(IEnumerable<(int Index, string Where, JsonObject Manifest)> manifests, TextWriter error)
    {
        var found = new InputNamespaces();
        foreach (var (_, where, manifest) in manifests)
        {
            if (JsonText.String(manifest["kind"]) != "Namespace" || JsonText.String(manifest["apiVersion"]) != "v1")
            {
                continue;
            }

            V1Namespace ns;
            try
            {
                ns = KubernetesJson.Deserialize<V1Namespace>(manifest);
            }
            catch (JsonException e)
            {
                error.WriteLine($"warning: {where} (Namespace): cannot read it ({JsonErrors.Describe(e)}); its annotations are not used as defaults");
                continue;
            }

            if (ns.Metadata?.Name is not { Length: > 0 } name)
            {
                error.WriteLine($"warning: {where} (Namespace): it has no metadata.name; its annotations are not used as defaults");
                continue;
            }

            found._namespaces[name] = NamespaceDefaults.From(name, ns.Metadata.Annotations, ns.Metadata.Labels?.AsReadOnly());
        }

        return found;
    }

    /// <summary>The request for a pod in <paramref name="ns"/>: as its Namespace document's label says, else <c>enabled</c>.</summary>
    public InjectionRequest RequestFor(string? ns)
    {
        var defaults = ns is not null && _namespaces.TryGetValue(ns, out var found) ? found : null;
        var mode = defaults is null || defaults.IsEnabled ? EnablementMode.NamespaceEnabled : EnablementMode.OptIn;
        return new(ns, mode, defaults);
    }

    /// <summary>True when the input's Namespace document labels <paramref name="ns"/> <c>logsidecar.io/injection=disabled</c>: no webhook is called there.</summary>
    public bool IsDisabled(string? ns) => ns is not null && _namespaces.TryGetValue(ns, out var defaults) && defaults.IsDisabled;
}
