using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

public sealed class InjectorDeploymentTests
{
    private const string TlsDirectory = "/etc/logsidecar-injector/tls";

    public static TheoryData<string> Installs => ["base", "cert-manager", "self-signed", "repair"];

    private static async Task<V1Deployment> DeploymentAsync(string kustomization) =>
        KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync(kustomization, "Deployment", "logsidecar-injector"));

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task ThePodPassesPodSecurityRestrictedWithAReadOnlyRootFilesystem(string kustomization)
    {
        var pod = (await DeploymentAsync(kustomization)).Spec.Template.Spec;

        Assert.Empty(PodSecurityRestricted.Violations(pod));
        var container = Assert.Single(pod.Containers);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.Privileged);
        Assert.Equal(65532, container.SecurityContext.RunAsUser);
        Assert.Equal(65532, pod.SecurityContext.RunAsUser);
        Assert.Null(pod.Volumes.FirstOrDefault(volume => volume.HostPath is not null));
    }

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task TwoReplicasSpreadOverNodesAndABudgetKeepsOneUp(string kustomization)
    {
        var deployment = await DeploymentAsync(kustomization);
        var budget = KubernetesModels.Read<V1PodDisruptionBudget>(await Kustomize.DocumentAsync(kustomization, "PodDisruptionBudget", "logsidecar-injector"));

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        var term = Assert.Single(deployment.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm;
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, term.LabelSelector.MatchLabels);
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        Assert.Equal("false", deployment.Spec.Template.Metadata.Labels["logsidecar.io/inject"]);
    }

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task ProbesAndServiceUseTheHttpsPort(string kustomization)
    {
        var container = Assert.Single((await DeploymentAsync(kustomization)).Spec.Template.Spec.Containers);
        var service = KubernetesModels.Read<V1Service>(await Kustomize.DocumentAsync(kustomization, "Service", "logsidecar-injector"));

        var port = Assert.Single(container.Ports);
        Assert.Equal(("https", 8443), (port.Name, port.ContainerPort));
        Assert.Equal(("/healthz", "HTTPS", "https"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Scheme, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "HTTPS", "https"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Scheme, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal("HTTPS", container.StartupProbe.HttpGet.Scheme);
        var servicePort = Assert.Single(service.Spec.Ports);
        Assert.Equal((443, "https"), (servicePort.Port, servicePort.TargetPort.Value));
        Assert.Equal(service.Spec.Selector, (await DeploymentAsync(kustomization)).Spec.Selector.MatchLabels);
    }

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task TheConfigComesFromTheConfigMapAndTheNamespaceFromTheDownwardApi(string kustomization)
    {
        var pod = (await DeploymentAsync(kustomization)).Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(["serve", "--config", "/etc/logsidecar-injector/config/config.json"], container.Args);
        var configMount = Assert.Single(container.VolumeMounts, mount => mount.MountPath == "/etc/logsidecar-injector/config");
        Assert.True(configMount.ReadOnlyProperty);
        Assert.Equal("logsidecar-injector-config", Assert.Single(pod.Volumes, volume => volume.Name == configMount.Name).ConfigMap.Name);
        var ns = Assert.Single(container.Env, variable => variable.Name == "POD_NAMESPACE");
        Assert.Equal("metadata.namespace", ns.ValueFrom.FieldRef.FieldPath);
        Assert.Equal("logsidecar-injector", pod.ServiceAccountName);
        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Limits["memory"]);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("cert-manager")]
    public async Task TheCertificateIsTheSecretMountedReadOnly(string kustomization)
    {
        var pod = (await DeploymentAsync(kustomization)).Spec.Template.Spec;

        var mount = Assert.Single(pod.Containers[0].VolumeMounts, mount => mount.MountPath == TlsDirectory);
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(pod.Volumes, volume => volume.Name == mount.Name);
        Assert.Equal("logsidecar-injector-tls", volume.Secret.SecretName);
        Assert.Null(volume.EmptyDir);
    }

    [Fact]
    public async Task SelfSignedWritesTheCertificateIntoAWritableInMemoryDirectory()
    {
        var pod = (await DeploymentAsync("self-signed")).Spec.Template.Spec;

        var mount = Assert.Single(pod.Containers[0].VolumeMounts, mount => mount.MountPath == TlsDirectory);
        Assert.False(mount.ReadOnlyProperty);
        var volume = Assert.Single(pod.Volumes, volume => volume.Name == mount.Name);
        Assert.Null(volume.Secret);
        Assert.Equal("Memory", volume.EmptyDir.Medium);
    }
}
