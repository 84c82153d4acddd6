using System.Text.Json.Nodes;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Offline;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Offline;

public sealed class InjectCommandTests
{
    private const string Manifests = """
        # a comment
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: registry.example/web:1
                env:
                - {name: FLAG, value: "true"}
                - {name: ZIP, value: "0123"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          enabled: "yes"
          ratio: "1.0"
          empty: ""
          text: plain words
          multi: |
            line one
            line two
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: opted-out
          labels: {logsidecar.io/inject: "false"}
        spec:
          containers: [{name: app, image: registry.example/app:1}]
        ---
        """;

    private static PodInjector Injector() => new(TestOptions.Create(), nativeByDefault: true);

    private static (int ExitCode, string Output, string Error) Run(string input, string format)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = InjectCommand.Run(new StringReader(input), output, error, format, Injector());
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void DocumentsThatAreNotInjectedArePrintedExactlyAsTheyWereWithTheirComments()
    {
        const string configMap = """
            # settings for the shop
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings   # referenced by web
            data: {ratio: '1.0', flag: yes}

            """;
        const string optedOut = """
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: quiet, labels: {logsidecar.io/inject: "false"}}  # stays as it is
            spec:
              containers: [{name: app, image: registry.example/app:1}]

            """;

        var (exitCode, output, error) = Run(configMap + optedOut + "---\n" + Manifests.Split("---\n")[0], InjectCommand.Yaml);

        Assert.True(exitCode == 0, error);
        Assert.StartsWith("---\n" + configMap + optedOut + "---\n", output, StringComparison.Ordinal);
        Assert.Contains("logsidecar.io/status", output[(configMap.Length + optedOut.Length)..], StringComparison.Ordinal);
    }

    [Fact]
    public void MultiDocumentYamlGetsWorkloadsInjectedAndEverythingElseUnchanged()
    {
        var (exitCode, output, error) = Run(Manifests, InjectCommand.Yaml);

        Assert.True(exitCode == 0, error);
        var before = YamlJson.ReadDocuments(new StringReader(Manifests));
        var after = YamlJson.ReadDocuments(new StringReader(output));
        Assert.Equal(3, after.Count);

        var template = after[0]!["spec"]!["template"]!;
        Assert.Equal("logsidecar", (string?)template["spec"]!["initContainers"]![0]!["name"]);
        Assert.NotNull(template["metadata"]!["annotations"]!["logsidecar.io/status"]);
        JsonAssert.Equal(before[0]!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"], template["spec"]!["containers"]![0]!["env"], "app env (strings that look like other types)");
        JsonAssert.Equal(before[1], after[1], "ConfigMap");
        JsonAssert.Equal(before[2], after[2], "opted-out Pod");
        Assert.Contains("enabled: \"yes\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralDocumentsPrintedAsJsonFormAList()
    {
        var (exitCode, output, _) = Run(Manifests, InjectCommand.Json);

        Assert.Equal(0, exitCode);
        var list = JsonNode.Parse(output)!;
        Assert.Equal("List", (string?)list["kind"]);
        Assert.Equal(3, list["items"]!.AsArray().Count);
    }

    [Fact]
    public void ADeniedPodFailsTheCommandWithTheReason()
    {
        const string Denied = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: broken
              annotations: {logsidecar.io/mount-path: relative}
            spec:
              containers: [{name: app, image: registry.example/app:1}]
            """;

        var (exitCode, output, error) = Run(Denied, InjectCommand.Yaml);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error: document 1 (Pod broken): logsidecar: logsidecar.io/mount-path: 'relative' is not absolute", error, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidYamlIsReportedWithExitCodeTwo()
    {
        var (exitCode, _, error) = Run("a: [unclosed", InjectCommand.Yaml);

        Assert.Equal(2, exitCode);
        Assert.Contains("not valid YAML", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExecutableInjectsStandardInput()
    {
        var (exitCode, output, error) = await InjectorProcess.RunAsync(["inject", "-f", "-", "-o", "json", "--native", "never", "--image", "registry.example/logsidecar:9"], Manifests);

        Assert.True(exitCode == 0, error);
        var deployment = JsonNode.Parse(output)!["items"]![0]!;
        var containers = deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["web", "logsidecar"], containers.Select(c => (string?)c!["name"]));
        Assert.Equal("registry.example/logsidecar:9", (string?)containers[1]!["image"]);
    }

    private const string ShopNamespace = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels: {logsidecar.io/injection: enabled}
          annotations:
            logsidecar.io/cpu: 100m
            logsidecar.io/memory: 128Mi
            logsidecar.io/multiline: java
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata:
              annotations: {logsidecar.io/cpu: 200m}
            spec:
              containers: [{name: web, image: registry.example/web:1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: elsewhere, namespace: other}
        spec:
          containers: [{name: app, image: registry.example/app:1}]
        """;

    [Fact]
    public void NamespaceDocumentsOfTheInputGiveDefaultsThatThePodsOwnAnnotationsOverride()
    {
        var (exitCode, output, error) = Run(ShopNamespace, InjectCommand.Json);

        Assert.True(exitCode == 0, error);
        Assert.Empty(error);
        var items = JsonNode.Parse(output)!["items"]!.AsArray();
        var web = items[1]!["spec"]!["template"]!;
        var sidecar = web["spec"]!["initContainers"]![0]!;
        Assert.Equal("200m", (string?)sidecar["resources"]!["requests"]!["cpu"]);
        Assert.Equal("128Mi", (string?)sidecar["resources"]!["requests"]!["memory"]);
        Assert.Contains("\"multiline\":{\"preset\":\"java\"}", (string)sidecar["env"]![0]!["value"]!, StringComparison.Ordinal);
        var sources = JsonNode.Parse((string)web["metadata"]!["annotations"]!["logsidecar.io/status"]!)!["sources"]!;
        Assert.Equal("pod", (string?)sources["logsidecar.io/cpu"]);
        Assert.Equal("namespace", (string?)sources["logsidecar.io/memory"]);
        Assert.Equal("namespace", (string?)sources["logsidecar.io/multiline"]);
        Assert.Equal("default", (string?)sources["logsidecar.io/mount-path"]);

        // A namespace the input does not define: the injector's configuration only.
        var other = items[2]!["spec"]!["initContainers"]![0]!;
        Assert.Equal(("50m", "64Mi"), ((string?)other["resources"]!["requests"]!["cpu"], (string?)other["resources"]!["requests"]!["memory"]));
    }

    [Fact]
    public void ABadNamespaceValueInTheInputIsWarnedAboutUnderTheNamespaceAnnotation()
    {
        var (exitCode, _, error) = Run(ShopNamespace.Replace("logsidecar.io/memory: 128Mi", "logsidecar.io/memory: plenty", StringComparison.Ordinal), InjectCommand.Yaml);

        Assert.True(exitCode == 0, error);
        Assert.Equal(
            "warning: document 2 (Deployment web): namespace shop annotation logsidecar.io/memory: 'plenty' is not a positive Kubernetes quantity (such as 100m or 128Mi); using the default 64Mi",
            error.Trim());
    }

    [Fact]
    public void TheNamespaceDocumentsInjectionLabelChoosesTheWebhookAsInTheCluster()
    {
        const string input = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: plain}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: off, labels: {logsidecar.io/injection: disabled}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: asks, namespace: plain, labels: {logsidecar.io/inject: "true"}}
            spec:
              containers: [{name: app, image: registry.example/app:1}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: silent, namespace: plain}
            spec:
              containers: [{name: app, image: registry.example/app:1}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: asks-in-off, namespace: off, labels: {logsidecar.io/inject: "true"}}
            spec:
              containers: [{name: app, image: registry.example/app:1}]
            """;

        var (exitCode, output, error) = Run(input, InjectCommand.Json);

        Assert.True(exitCode == 0, error);
        var pods = JsonNode.Parse(output)!["items"]!.AsArray().Skip(2).ToList();
        bool Injected(JsonNode pod) => pod["spec"]!["initContainers"] is not null || pod["spec"]!["containers"]!.AsArray().Count > 1;

        // Without the label only a pod that asks is injected (the opt-in webhook); labelled disabled, none is.
        Assert.Equal([true, false, false], pods.Select(pod => Injected(pod!)));
    }
}
