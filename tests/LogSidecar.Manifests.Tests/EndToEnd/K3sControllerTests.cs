using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Mutation;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.EndToEnd;

/// <summary>
/// The injector's controller on a real cluster (README "After admission: the controller"): while the injector is scaled
/// to zero, the webhook fails open and a Deployment that opted in starts without its sidecar. Once the injector is back,
/// its leader reports the pod with a <c>LogSidecarMissing</c> Event, and in a namespace annotated
/// <c>logsidecar.io/repair: "true"</c> (with the <c>repair/</c> overlay's RBAC) restarts the Deployment as
/// <c>kubectl rollout restart</c> does, so its new pod has the sidecar; elsewhere repair is off and the pod is only
/// reported. Needs a Docker engine; skipped with the reason where there is none.
/// </summary>
[Collection(K3sCollection.Name)]
public sealed class K3sControllerTests(K3sInstall install)
{
    private const string Reported = "logsidecar-reported";
    private const string Repaired = "logsidecar-repaired";
    private const string Workload = "missed";
    private const string AppLine = "missed pod started";

    private static readonly TimeSpan ClusterLimit = K3sInstall.ClusterLimit;

    [Fact]
    public Task APodCreatedWhileTheInjectorWasDownIsReportedAndWhereRepairIsOnItsDeploymentIsRestartedWithTheSidecar() =>
        install.RunAsync(
            async (cluster, _, token) =>
            {
                await cluster.ApplyAsync("repair-rbac", await RepairRbacAsync(), token);
                await cluster.ApplyAsync("missed-namespaces", Namespaces, token);

                // The outage: no replica answers, so the API server lets the pods through as they are.
                V1Pod reported;
                V1Pod repaired;
                try
                {
                    await ScaleInjectorAsync(cluster, 0, token);
                    await cluster.ApplyAsync("missed-deployments", Deployment(Reported) + "---\n" + Deployment(Repaired), token);
                    reported = await CurrentPodAsync(cluster, Reported, token);
                    repaired = await CurrentPodAsync(cluster, Repaired, token);
                    Assert.False(HasSidecar(reported), $"the webhook injected {Reported}/{reported.Metadata.Name} although no replica ran");
                    Assert.False(HasSidecar(repaired), $"the webhook injected {Repaired}/{repaired.Metadata.Name} although no replica ran");
                }
                finally
                {
                    // Back to the install's replicas whatever happened, so the other tests find the injector answering.
                    await ScaleInjectorAsync(cluster, (await InjectorAsync()).Spec.Replicas ?? 1, token);
                }

                // Reported: a Warning Event on each pod, by the injector, saying why.
                foreach (var pod in new[] { reported, repaired })
                {
                    var missing = await WaitForEventAsync(cluster, pod.Metadata.NamespaceProperty, $"involvedObject.name={pod.Metadata.Name},reason={PodController.MissingReason}", token);
                    Assert.Equal("Warning", missing.Type);
                    Assert.Equal(EventRecorder.Component, missing.Source.Component);
                    Assert.Equal(("Pod", pod.Metadata.Uid), (missing.InvolvedObject.Kind, missing.InvolvedObject.Uid));
                    Assert.Contains("runs without the logsidecar sidecar", missing.Message, StringComparison.Ordinal);
                }

                // Repaired: the pod template annotation kubectl rollout restart sets, an Event on the Deployment, and a
                // new pod with the sidecar streaming the app's file.
                await Eventually.WaitAsync(
                    async () =>
                    {
                        var deployment = await DeploymentAsync(cluster, Repaired, token);
                        return (RestartedAt(deployment) is not null, deployment.Spec.Template.Metadata.Annotations);
                    },
                    $"the annotation {AnnotationKeys.RestartedAt} on the pod template of {Repaired}/{Workload}",
                    ClusterLimit,
                    token);
                var restarted = await WaitForEventAsync(cluster, Repaired, $"involvedObject.kind=Deployment,involvedObject.name={Workload},reason={PodController.RestartReason}", token);
                Assert.Equal(EventRecorder.Component, restarted.Source.Component);
                await cluster.KubectlAsync(["-n", Repaired, "rollout", "status", $"deployment/{Workload}", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
                var replaced = await CurrentPodAsync(cluster, Repaired, token);
                Assert.NotEqual(repaired.Metadata.Uid, replaced.Metadata.Uid);
                Assert.True(HasSidecar(replaced), $"the restarted pod {Repaired}/{replaced.Metadata.Name} has no {SidecarNames.Container} container: {KubernetesJson.Serialize(replaced.Spec)}");
                Assert.True(replaced.Metadata.Annotations?.ContainsKey(AnnotationKeys.Status), $"the restarted pod has no {AnnotationKeys.Status} annotation");
                await cluster.WaitForLogsAsync(Repaired, $"deployment/{Workload}", SidecarNames.Container, [AppLine], ClusterLimit, token);

                // Repair is off by default: by now the leader has long decided on the reported pod, and left its
                // Deployment and pod alone.
                Assert.Null(RestartedAt(await DeploymentAsync(cluster, Reported, token)));
                Assert.Equal(reported.Metadata.Uid, (await CurrentPodAsync(cluster, Reported, token)).Metadata.Uid);
                var restarts = await cluster.KubectlAsync(["-n", Reported, "get", "events", "--field-selector", $"reason={PodController.RestartReason}", "-o", "json"], token);
                Assert.Empty(KubernetesJson.Deserialize<Corev1EventList>(restarts).Items);
            },
            ["get", "events", "-n", Reported, "-o", "wide"],
            ["get", "events", "-n", Repaired, "-o", "wide"],
            ["get", "deployments,replicasets,pods", "-n", Repaired, "-o", "yaml"]);

    // The namespace annotation turns repair on for its pods only (README "Repair (off by default)").
    private static string Namespaces => $$"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{Reported}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {{Repaired}}
          annotations: {{{AnnotationKeys.Repair}}: "true"}

        """;

    // Labelled to opt in, in a namespace without the injection label: only the opt-in webhook would see it. The app
    // writes its line whether or not the sidecar's volume is mounted there.
    private static string Deployment(string ns) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{Workload}}
          namespace: {{ns}}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: {{Workload}}}
          template:
            metadata:
              labels: {app: {{Workload}}, {{AnnotationKeys.Inject}}: "true"}
            spec:
              containers:
              - name: app
                image: busybox:1.36
                command: ["/bin/sh", "-c", "mkdir -p /var/log/app; echo {{AppLine}} >> /var/log/app/app.log; exec sleep 3600"]

        """;

    private static async Task<V1Deployment> InjectorAsync() =>
        KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync("self-signed", "Deployment", K3sInstall.InjectorDeployment));

    /// <summary>The ClusterRole and its binding that the <c>repair/</c> overlay adds (the rest of it is the cert-manager install).</summary>
    private static async Task<string> RepairRbacAsync()
    {
        var role = await Kustomize.DocumentAsync("repair", "ClusterRole", "logsidecar-injector-repair");
        var binding = await Kustomize.DocumentAsync("repair", "ClusterRoleBinding", "logsidecar-injector-repair");
        return $"{role.ToJsonString()}\n---\n{binding.ToJsonString()}\n";
    }

    /// <summary>Scales the injector and waits until that many replicas run (for zero: until its last pod is gone).</summary>
    private static async Task ScaleInjectorAsync(K3sCluster cluster, int replicas, CancellationToken token)
    {
        await cluster.KubectlAsync(["-n", K3sInstall.InjectorNamespace, "scale", $"deployment/{K3sInstall.InjectorDeployment}", $"--replicas={replicas}"], token);
        if (replicas > 0)
        {
            await cluster.KubectlAsync(K3sInstall.InjectorRolloutStatus, token);
            return;
        }

        var selector = string.Join(',', (await InjectorAsync()).Spec.Selector.MatchLabels.Select(label => $"{label.Key}={label.Value}"));
        await Eventually.WaitAsync(
            async () =>
            {
                var pods = await cluster.KubectlAsync(["-n", K3sInstall.InjectorNamespace, "get", "pods", "-l", selector, "-o", "name"], token);
                return (pods.Trim().Length == 0, pods);
            },
            "no injector pod left",
            ClusterLimit,
            token);
    }

    /// <summary>The one pod of the workload that is not being deleted, once the Deployment is available.</summary>
    private static async Task<V1Pod> CurrentPodAsync(K3sCluster cluster, string ns, CancellationToken token)
    {
        await cluster.KubectlAsync(["-n", ns, "wait", "--for=condition=Available", $"deployment/{Workload}", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
        return await Eventually.WaitAsync(
            async () =>
            {
                var list = KubernetesJson.Deserialize<V1PodList>(await cluster.KubectlAsync(["-n", ns, "get", "pods", "-l", $"app={Workload}", "-o", "json"], token));
                var current = list.Items.Where(pod => pod.Metadata.DeletionTimestamp is null).ToList();
                return (current.Count == 1, current.FirstOrDefault()!);
            },
            $"one pod of {ns}/{Workload} that is not terminating",
            ClusterLimit,
            token);
    }

    private static async Task<V1Deployment> DeploymentAsync(K3sCluster cluster, string ns, CancellationToken token) =>
        KubernetesJson.Deserialize<V1Deployment>(await cluster.KubectlAsync(["-n", ns, "get", "deployment", Workload, "-o", "json"], token));

    /// <summary>The Event of <paramref name="ns"/> that <paramref name="fieldSelector"/> selects, once there is one.</summary>
    private static async Task<Corev1Event> WaitForEventAsync(K3sCluster cluster, string ns, string fieldSelector, CancellationToken token) =>
        await Eventually.WaitAsync(
            async () =>
            {
                var json = await cluster.KubectlAsync(["-n", ns, "get", "events", "--field-selector", fieldSelector, "-o", "json"], token);
                var events = KubernetesJson.Deserialize<Corev1EventList>(json).Items;
                return (events.Count == 1, events.FirstOrDefault()!);
            },
            $"one Event in {ns} with {fieldSelector}",
            ClusterLimit,
            token);

    private static bool HasSidecar(V1Pod pod) =>
        (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers).Any(container => container.Name == SidecarNames.Container);

    private static string? RestartedAt(V1Deployment deployment) =>
        deployment.Spec.Template.Metadata.Annotations is { } annotations && annotations.TryGetValue(AnnotationKeys.RestartedAt, out var at) ? at : null;
}
