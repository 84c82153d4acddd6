using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// cert-manager's custom resources have no KubernetesClient model: their fields are checked against
/// the cert-manager.io/v1 API instead (only the fields these manifests may use), so a typo still fails.
/// </summary>
public static class CertManagerResources
{
    private static readonly Dictionary<string, HashSet<string>> SpecFields = new(StringComparer.Ordinal)
    {
        ["Issuer"] = ["selfSigned", "ca"],
        ["Certificate"] = ["secretName", "commonName", "dnsNames", "duration", "renewBefore", "isCA", "privateKey", "usages", "issuerRef", "subject", "secretTemplate"],
    };

    private static readonly HashSet<string> PrivateKeyFields = ["algorithm", "size", "rotationPolicy", "encoding"];

    private static readonly HashSet<string> IssuerRefFields = ["name", "kind", "group"];

    public static bool Is(JsonObject document) => (string?)document["apiVersion"] == "cert-manager.io/v1";

    public static void Check(JsonObject document)
    {
        var kind = (string?)document["kind"] ?? "";
        var what = KubernetesModels.Describe(document);
        Assert.True(SpecFields.TryGetValue(kind, out var allowed), $"{what}: unexpected cert-manager kind");
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], document.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        var spec = Assert.IsType<JsonObject>(document["spec"]);
        AssertOnly(spec, allowed, $"{what} spec");
        if (spec["privateKey"] is JsonObject privateKey)
        {
            AssertOnly(privateKey, PrivateKeyFields, $"{what} spec.privateKey");
        }

        if (spec["issuerRef"] is JsonObject issuerRef)
        {
            AssertOnly(issuerRef, IssuerRefFields, $"{what} spec.issuerRef");
        }
    }

    private static void AssertOnly(JsonObject node, HashSet<string> allowed, string what)
    {
        var unknown = node.Select(pair => pair.Key).Where(key => !allowed.Contains(key)).ToList();
        Assert.True(unknown.Count == 0, $"{what} has fields cert-manager.io/v1 does not define: {string.Join(", ", unknown)}");
    }
}
