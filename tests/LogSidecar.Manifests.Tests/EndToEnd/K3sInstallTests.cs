using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.EndToEnd;

/// <summary>
/// The real thing: both images built from the Dockerfiles, the self-signed install applied to a K3s
/// cluster (<see cref="K3sInstall"/>), the examples created, and what a user would check: the sidecar is there,
/// <c>kubectl logs -c logsidecar</c> shows the app's records, and the Job completes. Needs a Docker engine; skipped
/// with the reason where there is none.
/// </summary>
[Collection(K3sCollection.Name)]
public sealed class K3sInstallTests(K3sInstall install)
{
    private const string Examples = "logsidecar-examples";

    // A namespace without the injection label: only the pod labelled logsidecar.io/inject=true is sent
    // to the opt-in webhook; the other one never reaches the injector.
    private const string OptIn = "logsidecar-opt-in";

    private const string OptInPods = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: logsidecar-opt-in}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: opted-in
          namespace: logsidecar-opt-in
          labels: {logsidecar.io/inject: "true"}
        spec:
          containers:
          - name: app
            image: busybox:1.36
            command: ["/bin/sh", "-c", "echo opted-in pod started >> /var/log/app/app.log; exec sleep 3600"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: not-opted-in
          namespace: logsidecar-opt-in
        spec:
          containers:
          - name: app
            image: busybox:1.36
            command: ["sleep", "3600"]
        """;

    private static readonly TimeSpan ClusterLimit = K3sInstall.ClusterLimit;

    [Fact]
    public Task TheSelfSignedInstallInjectsTheExamplesTheirLogsShowAndTheJobCompletes() =>
        install.RunAsync(async (cluster, _, token) =>
        {
            await cluster.ApplyAsync("examples", await Kustomize.RenderAsync("examples"), token);
            await cluster.KubectlAsync(["-n", Examples, "wait", "--for=condition=Available", "deployment/two-streams", "deployment/java-app", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
            await cluster.KubectlAsync(["-n", Examples, "wait", "--for=condition=Ready", "pod/elasticsearch-shipper", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
            await cluster.KubectlAsync(["-n", Examples, "wait", "--for=condition=Complete", "job/batch-report", $"--timeout={ClusterLimit.TotalSeconds}s"], token);

            var pods = JsonNode.Parse(await cluster.KubectlAsync(["-n", Examples, "get", "pods", "-o", "json"], token))!["items"]!.AsArray();
            Assert.Equal(4, pods.Count);
            foreach (var pod in pods)
            {
                var name = (string?)pod!["metadata"]!["name"];
                var sidecars = (pod["spec"]!["initContainers"]?.AsArray() ?? []).Where(container => (string?)container!["name"] == "logsidecar");
                Assert.True(sidecars.Count() == 1, $"pod {name} has no native logsidecar sidecar: {pod["spec"]!.ToJsonString()}");
                Assert.NotNull(pod["metadata"]!["annotations"]?["logsidecar.io/status"]);
            }

            await cluster.WaitForLogsAsync(Examples, "deployment/two-streams", "logsidecar", ["GET /orders/", "stored"], ClusterLimit, token);
            await cluster.WaitForLogsAsync(Examples, "deployment/java-app", "logsidecar", ["java.lang.IllegalStateException", "Caused by: java.util.concurrent.TimeoutException"], ClusterLimit, token);
            // The Job's sidecar drained its file before the pod completed: every line is there.
            var jobLogs = await cluster.KubectlAsync(["-n", Examples, "logs", "job/batch-report", "-c", "logsidecar"], token);
            Assert.Contains("report step 5 of 5 done", jobLogs, StringComparison.Ordinal);
            Assert.Contains("report finished", jobLogs, StringComparison.Ordinal);
        });

    [Fact]
    public Task TheOptInWebhookInjectsALabelledPodOfAnUnlabelledNamespaceAndNoOther() =>
        install.RunAsync(async (cluster, _, token) =>
        {
            await cluster.ApplyAsync("opt-in", OptInPods, token);
            await cluster.KubectlAsync(["-n", OptIn, "wait", "--for=condition=Ready", "pod/opted-in", "pod/not-opted-in", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
            // Live objects carry status and server-set fields: read leniently, the strict checks are for our manifests.
            var optedIn = KubernetesJson.Deserialize<V1Pod>(await cluster.KubectlAsync(["-n", OptIn, "get", "pod", "opted-in", "-o", "json"], token));
            var notOptedIn = KubernetesJson.Deserialize<V1Pod>(await cluster.KubectlAsync(["-n", OptIn, "get", "pod", "not-opted-in", "-o", "json"], token));
            Assert.Contains(optedIn.Spec.InitContainers ?? [], container => container.Name == "logsidecar");
            Assert.Null(notOptedIn.Spec.InitContainers);
            Assert.False(notOptedIn.Metadata.Annotations?.ContainsKey("logsidecar.io/status") ?? false);
            await cluster.WaitForLogsAsync(OptIn, "pod/opted-in", "logsidecar", ["opted-in pod started"], ClusterLimit, token);
        });
}
