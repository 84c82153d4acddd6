using System.Text.Json.Nodes;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

public sealed class InjectorConfigTests
{
    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: app}
        spec:
          containers: [{name: app, image: registry.example/app:1}]
        """;

    [Fact]
    public async Task TheInjectorAcceptsTheBaseConfig()
    {
        using var directory = new TempDirectory();
        var config = await InjectorConfig.WriteAsync("base", directory);
        var pod = directory.File("pod.yaml");
        await File.WriteAllTextAsync(pod, Pod, TestContext.Current.CancellationToken);

        var result = await InjectorCommand.InjectAsync(pod, ["--config", config], TestContext.Current.CancellationToken);

        // Unknown or invalid keys would stop the injector with exit code 2 and name them.
        Assert.True(result.ExitCode == 0, result.Describe("inject --config (base)"));
        Assert.Contains("image: ghcr.io/logsidecar/logsidecar:0.1.0", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConfigListensInTheClusterOnTheContainerPortAndServesTheMountedCertificate()
    {
        var config = await InjectorConfig.ReadAsync("base");
        var deployment = KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync("base", "Deployment", "logsidecar-injector"));
        var container = deployment.Spec.Template.Spec.Containers[0];

        Assert.Equal("0.0.0.0", (string?)config["listenAddress"]);
        Assert.Equal(container.Ports[0].ContainerPort, (int?)config["port"]);
        var tlsMount = Assert.Single(container.VolumeMounts, mount => mount.Name == "tls").MountPath;
        Assert.Equal($"{tlsMount}/tls.crt", (string?)config["tlsCertFile"]);
        Assert.Equal($"{tlsMount}/tls.key", (string?)config["tlsKeyFile"]);
        Assert.Equal("auto", (string?)config["native"]);
    }

    [Fact]
    public async Task RepairConfigIsTheBaseConfigWithTheControllerRepairing()
    {
        var baseConfig = await InjectorConfig.ReadAsync("base");
        var repair = await InjectorConfig.ReadAsync("repair");

        var controller = Assert.IsType<JsonObject>(repair["controller"]);
        repair.Remove("controller");
        Assert.True(JsonNode.DeepEquals(baseConfig, repair), "the repair overlay's config.json must repeat the base config.json unchanged");
        Assert.True((bool?)controller["enabled"]);
        Assert.True((bool?)controller["repair"]);
        Assert.False(baseConfig.ContainsKey("controller"));
    }

    [Fact]
    public async Task SelfSignedConfigIsTheBaseConfigPlusTheBootstrap()
    {
        var baseConfig = await InjectorConfig.ReadAsync("base");
        var selfSigned = await InjectorConfig.ReadAsync("self-signed");

        var bootstrap = Assert.IsType<JsonObject>(selfSigned["selfSigned"]);
        selfSigned.Remove("selfSigned");
        Assert.True(JsonNode.DeepEquals(baseConfig, selfSigned), "the self-signed overlay's config.json must repeat the base config.json unchanged");
        Assert.True((bool?)bootstrap["enabled"]);
        Assert.Equal(365, (int?)bootstrap["validityDays"]);
        Assert.Equal(30, (int?)bootstrap["renewBeforeDays"]);
        Assert.False(baseConfig.ContainsKey("selfSigned"));
    }

    [Fact]
    public async Task TheServiceWhoseEndpointsRepairWaitsForIsTheOneTheWebhooksCall()
    {
        // controller.webhookServiceName is left out, so the controller watches selfSigned.serviceName's default.
        var service = new LogSidecar.Injector.Configuration.SelfSignedOptions().ServiceName;
        var config = await InjectorConfig.ReadAsync("repair");
        var webhooks = KubernetesModels.Read<V1MutatingWebhookConfiguration>(await Kustomize.DocumentAsync("repair", "MutatingWebhookConfiguration", "logsidecar-injector"));

        Assert.Null(config["controller"]!["webhookServiceName"]);
        Assert.Null(config["selfSigned"]);
        Assert.All(webhooks.Webhooks, webhook => Assert.Equal((service, "logsidecar-system"), (webhook.ClientConfig.Service.Name, webhook.ClientConfig.Service.NamespaceProperty)));
        await Kustomize.DocumentAsync("repair", "Service", service);
    }

    [Fact]
    public async Task SelfSignedNamesTheObjectsItsRolesAllow()
    {
        var bootstrap = (await InjectorConfig.ReadAsync("self-signed"))["selfSigned"]!;
        var role = KubernetesModels.Read<V1Role>(await Kustomize.DocumentAsync("self-signed", "Role", "logsidecar-injector-self-signed"));
        var clusterRole = KubernetesModels.Read<V1ClusterRole>(await Kustomize.DocumentAsync("self-signed", "ClusterRole", "logsidecar-injector-self-signed"));

        Assert.Equal([(string?)bootstrap["secretName"]], role.Rules.Single(rule => rule.ResourceNames is not null).ResourceNames);
        Assert.Equal([(string?)bootstrap["webhookConfigurationName"]], clusterRole.Rules[0].ResourceNames);
        await Kustomize.DocumentAsync("self-signed", "MutatingWebhookConfiguration", (string)bootstrap["webhookConfigurationName"]!);
        await Kustomize.DocumentAsync("self-signed", "Service", (string)bootstrap["serviceName"]!);
    }
}
