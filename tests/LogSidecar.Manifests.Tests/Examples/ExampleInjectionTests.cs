using System.Text.Json.Nodes;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Examples;

/// <summary>
/// Every example goes through the injector's offline inject command (a real process) with the
/// install's config, as a native and as a classic sidecar; the result must be valid Kubernetes and
/// pass Pod Security restricted, which the examples' namespace enforces.
/// </summary>
public sealed class ExampleInjectionTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in RepositoryLayout.ExampleFiles())
        {
            data.Add(file, "always");
            data.Add(file, "never");
        }

        return data;
    }

    private static async Task<IReadOnlyList<JsonObject>> InjectAsync(string file, string native)
    {
        using var directory = new TempDirectory();
        var config = await InjectorConfig.WriteAsync("base", directory);
        var path = Path.Combine(RepositoryLayout.Kustomization("examples"), file);

        var result = await InjectorCommand.InjectAsync(path, ["--config", config, "--native", native], TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Describe($"inject -f examples/{file} --native {native}"));
        return YamlDocuments.Parse(result.Output);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EveryInjectedPodIsValidAndPassesPodSecurityRestricted(string file, string native)
    {
        var documents = await InjectAsync(file, native);

        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            var model = KubernetesModels.Read(document);
            if (PodTemplate(model) is not var (metadata, pod))
            {
                continue;
            }

            Assert.True(metadata.Annotations?.ContainsKey("logsidecar.io/status") == true, $"{KubernetesModels.Describe(document)} was not injected");
            var violations = PodSecurityRestricted.Violations(pod);
            Assert.True(violations.Count == 0, $"{KubernetesModels.Describe(document)} (native {native}): {string.Join("; ", violations)}");
            AssertHardenedSidecar(Sidecar(pod, native));
        }
    }

    [Fact]
    public async Task TheTwoStreamsExampleTailsBothFilesInTheirFormats()
    {
        var config = SidecarConfig(await InjectAsync("two-streams-deployment.yaml", "always"));

        var streams = config["streams"]!.AsArray();
        Assert.Equal(["access", "events"], streams.Select(stream => (string?)stream!["name"]));
        Assert.Equal("/var/log/app/access.log", (string?)streams[0]!["paths"]![0]);
        Assert.Equal("json", (string?)streams[1]!["format"]);
        Assert.Equal("/var/log/app/events.json", (string?)streams[1]!["paths"]![0]);
    }

    [Fact]
    public async Task TheJavaExampleJoinsStackTraces()
    {
        var config = SidecarConfig(await InjectAsync("java-deployment.yaml", "always"));

        Assert.Equal("java", (string?)config["streams"]![0]!["multiline"]!["preset"]);
    }

    [Fact]
    public async Task TheJobGetsANativeSidecarSoItCanComplete()
    {
        var job = KubernetesModels.Read<V1Job>(Assert.Single(await InjectAsync("batch-job.yaml", "always")));

        var sidecar = Assert.Single(job.Spec.Template.Spec.InitContainers);
        Assert.Equal(("logsidecar", "Always"), (sidecar.Name, sidecar.RestartPolicy));
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public async Task TheElasticsearchExampleMountsItsCredentialsAsFiles()
    {
        var documents = await InjectAsync("elasticsearch-pod.yaml", "always");
        var pod = KubernetesModels.Read<V1Pod>(Assert.Single(documents));
        var sidecar = Sidecar(pod.Spec, "always");

        var secretVolume = Assert.Single(pod.Spec.Volumes, volume => volume.Secret is not null);
        Assert.Equal("elasticsearch-credentials", secretVolume.Secret.SecretName);
        var mount = Assert.Single(sidecar.VolumeMounts, mount => mount.Name == secretVolume.Name);
        Assert.True(mount.ReadOnlyProperty);
        Assert.DoesNotContain(sidecar.Env, variable => variable.ValueFrom?.SecretKeyRef is not null);
        Assert.DoesNotContain(sidecar.EnvFrom ?? [], source => source.SecretRef is not null);
    }

    [Fact]
    public async Task TheExamplesNamespaceOptsInAndEnforcesRestricted()
    {
        var ns = KubernetesModels.Read<V1Namespace>(await Kustomize.DocumentAsync("examples", "Namespace", "logsidecar-examples"));

        Assert.Equal("enabled", ns.Metadata.Labels["logsidecar.io/injection"]);
        Assert.Equal("restricted", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    private static (V1ObjectMeta Metadata, V1PodSpec Pod)? PodTemplate(object model) => model switch
    {
        V1Pod pod => (pod.Metadata, pod.Spec),
        V1Deployment deployment => (deployment.Spec.Template.Metadata, deployment.Spec.Template.Spec),
        V1Job job => (job.Spec.Template.Metadata, job.Spec.Template.Spec),
        _ => null,
    };

    private static V1Container Sidecar(V1PodSpec pod, string native) =>
        Assert.Single(native == "always" ? pod.InitContainers : pod.Containers, container => container.Name == "logsidecar");

    private static void AssertHardenedSidecar(V1Container sidecar)
    {
        var context = sidecar.SecurityContext;
        Assert.True(context.RunAsNonRoot);
        Assert.NotEqual(0, context.RunAsUser);
        Assert.False(context.AllowPrivilegeEscalation);
        Assert.True(context.ReadOnlyRootFilesystem);
        Assert.NotEqual(true, context.Privileged);
        Assert.Equal(["ALL"], context.Capabilities.Drop);
        Assert.Null(context.Capabilities.Add);
        Assert.Equal("RuntimeDefault", context.SeccompProfile.Type);
    }

    private static JsonNode SidecarConfig(IReadOnlyList<JsonObject> documents)
    {
        var deployment = KubernetesModels.Read<V1Deployment>(Assert.Single(documents));
        var sidecar = Sidecar(deployment.Spec.Template.Spec, "always");
        return JsonNode.Parse(Assert.Single(sidecar.Env, variable => variable.Name == "LOGSIDECAR_CONFIG").Value)!;
    }
}
