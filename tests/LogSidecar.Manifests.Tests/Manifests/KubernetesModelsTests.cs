using LogSidecar.Manifests.Tests.Infrastructure;
using Xunit.Sdk;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>The strict reading that the manifest tests rely on does catch what the API server would drop.</summary>
public sealed class KubernetesModelsTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: registry.example/web:1
                ports: [{containerPort: 8443}]
                resources: {requests: {cpu: 50m, memory: 64Mi}}
                livenessProbe: {httpGet: {path: /healthz, port: https, scheme: HTTPS}}
        """;

    [Fact]
    public void AValidDocumentReadsIntoItsModel()
    {
        var deployment = KubernetesModels.Read<k8s.Models.V1Deployment>(YamlDocuments.Parse(Deployment)[0]);

        Assert.Equal("web", deployment.Spec.Template.Spec.Containers[0].Name);
    }

    [Theory]
    [InlineData("image: registry.example/web:1", "imag: registry.example/web:1", ".imag")]
    [InlineData("ports: [{containerPort: 8443}]", "ports: [{containerPort: 8443, hostPorts: 1}]", ".hostPorts")]
    [InlineData("metadata: {labels: {app: web}}", "metadata: {labels: {app: web}, annotation: {a: b}}", ".annotation")]
    public void AMisspelledOrMisplacedFieldFails(string field, string replacement, string reported)
    {
        var document = YamlDocuments.Parse(Deployment.Replace(field, replacement, StringComparison.Ordinal))[0];

        var failure = Assert.ThrowsAny<XunitException>(() => KubernetesModels.Read(document));
        Assert.Contains(reported, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKindWithoutAModelFails()
    {
        var document = YamlDocuments.Parse("apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w}\n")[0];

        Assert.ThrowsAny<XunitException>(() => KubernetesModels.Read(document));
    }

    [Fact]
    public void QuotedScalarsStayStringsAndPlainOnesAreTyped()
    {
        var document = YamlDocuments.Parse("a: \"true\"\nb: true\nc: \"8443\"\nd: 8443\ne: 0.5\nf: null\ng: 50m\n")[0];

        Assert.Equal("""{"a":"true","b":true,"c":"8443","d":8443,"e":0.5,"f":null,"g":"50m"}""", document.ToJsonString());
    }
}
