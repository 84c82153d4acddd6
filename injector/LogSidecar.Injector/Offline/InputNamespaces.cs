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
/// manifests in that namespace, as the webhook reads them from the cluster. A manifest without
/// <c>metadata.namespace</c>, or in a namespace the input does not define, gets only the injector's configuration.
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

            found._namespaces[name] = NamespaceDefaults.From(name, ns.Metadata.Annotations);
        }

        return found;
    }

    /// <summary>The request for a pod in <paramref name="ns"/>: offline, every namespace counts as <c>enabled</c>.</summary>
    public InjectionRequest RequestFor(string? ns) =>
        new(ns, EnablementMode.NamespaceEnabled, ns is not null && _namespaces.TryGetValue(ns, out var defaults) ? defaults : null);
}
