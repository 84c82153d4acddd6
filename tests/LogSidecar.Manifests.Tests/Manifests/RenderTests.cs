using System.Text.Json.Nodes;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

public sealed class RenderTests
{
    public static TheoryData<string> Kustomizations => [.. RepositoryLayout.Kustomizations];

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryDocumentReadsIntoItsKubernetesModelWithNoUnknownField(string kustomization)
    {
        var documents = await Kustomize.DocumentsAsync(kustomization);

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            if (CertManagerResources.Is(document))
            {
                CertManagerResources.Check(document);
                continue;
            }

            if (PrometheusOperatorResources.Is(document))
            {
                PrometheusOperatorResources.Check(document);
                continue;
            }

            KubernetesModels.Read(document);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task NamespacedObjectsLiveInTheirKustomizationsNamespace(string kustomization)
    {
        var expected = kustomization == "examples" ? "logsidecar-examples" : "logsidecar-system";
        var clusterScoped = new HashSet<string>(StringComparer.Ordinal) { "Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration" };

        foreach (var document in await Kustomize.DocumentsAsync(kustomization))
        {
            var kind = (string?)document["kind"] ?? "";
            var ns = (string?)document["metadata"]?["namespace"];
            if (clusterScoped.Contains(kind))
            {
                Assert.True(ns is null, $"{KubernetesModels.Describe(document)} is cluster-scoped and must have no namespace");
            }
            else
            {
                Assert.True(ns == expected, $"{KubernetesModels.Describe(document)} should be in {expected}");
            }
        }
    }

    [Fact]
    public async Task EveryObjectIsLabelledAsPartOfLogSidecarInTheInstallKustomizations()
    {
        foreach (var kustomization in new[] { "base", "cert-manager", "self-signed", "repair", "monitoring", "cluster-logging" })
        {
            foreach (var document in await Kustomize.DocumentsAsync(kustomization))
            {
                var labels = document["metadata"]?["labels"] as JsonObject;
                Assert.True((string?)labels?["app.kubernetes.io/part-of"] == "logsidecar", $"{kustomization}: {KubernetesModels.Describe(document)} lacks app.kubernetes.io/part-of: logsidecar");
            }
        }
    }
}
