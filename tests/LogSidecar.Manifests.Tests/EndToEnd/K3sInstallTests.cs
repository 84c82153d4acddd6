using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.EndToEnd;

/// <summary>
/// The real thing: both images built from the Dockerfiles, the self-signed install applied to a K3s
/// cluster, the examples created, and what a user would check: the sidecar is there, <c>kubectl logs
/// -c logsidecar</c> shows the app's records, and the Job completes. Needs a Docker engine; skipped
/// with the reason where there is none.
/// </summary>
public sealed class K3sInstallTests
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

    // Bounds for a failing run only: image builds compile Native AOT; first pulls can be slow.
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan ClusterLimit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheSelfSignedInstallInjectsTheExamplesTheirLogsShowAndTheJobCompletes()
    {
        var token = TestContext.Current.CancellationToken;
        if (await DockerEngine.UnavailableReasonAsync(token) is { } reason)
        {
            Assert.Skip($"Needs a Docker engine to build the images and run K3s: {reason}.");
        }

        // The images under the names the manifests use, so nothing is pulled for them (IfNotPresent).
        var sidecarImage = (string?)(await InjectorConfig.ReadAsync("self-signed"))["image"];
        var injector = KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync("self-signed", "Deployment", "logsidecar-injector"));
        var injectorImage = injector.Spec.Template.Spec.Containers[0].Image;
        Assert.NotNull(sidecarImage);
        using var directory = new TempDirectory();
        var archive = directory.File("images.tar");
        await DockerAsync(["build", "-f", "Dockerfile.sidecar", "-t", sidecarImage, "."], token);
        await DockerAsync(["build", "-f", "Dockerfile.injector", "-t", injectorImage, "."], token);
        await DockerAsync(["save", "-o", archive, sidecarImage, injectorImage], token);

        await using var cluster = await K3sCluster.StartAsync(token);
        await cluster.ImportImagesAsync(archive, token);
        try
        {
            await InstallAndCheckAsync(cluster, token);
        }
        catch (Exception)
        {
            // What an operator would look at first, in the test output of a failed run.
            foreach (var args in new[] { new[] { "get", "pods", "-A", "-o", "wide" }, ["-n", "logsidecar-system", "logs", "-l", "app.kubernetes.io/name=logsidecar-injector", "--tail=100"], ["get", "events", "-A"] })
            {
                var state = await cluster.TryKubectlAsync(args, CancellationToken.None);
                TestContext.Current.TestOutputHelper?.WriteLine($"$ kubectl {string.Join(' ', args)}\n{state.Output}{state.Error}");
            }

            throw;
        }
    }

    private static async Task InstallAndCheckAsync(K3sCluster cluster, CancellationToken token)
    {
        await cluster.ApplyAsync("install", await Kustomize.RenderAsync("self-signed"), token);
        await cluster.KubectlAsync(["-n", "logsidecar-system", "rollout", "status", "deployment/logsidecar-injector", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
        // The injector patches its CA into both webhooks; until then the API server cannot call them
        // and, failing open, would create the examples without a sidecar.
        await Eventually.WaitAsync(
            async () =>
            {
                var bundles = await cluster.KubectlAsync(["get", "mutatingwebhookconfiguration", "logsidecar-injector", "-o", "jsonpath={range .webhooks[*]}{.clientConfig.caBundle}{\"\\n\"}{end}"], token);
                var lines = bundles.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return (lines.Length == 2, bundles);
            },
            "the caBundle of both webhooks",
            ClusterLimit,
            token);

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

        await AssertSidecarLogsAsync(cluster, Examples, "deployment/two-streams", ["GET /orders/", "stored"], token);
        await AssertSidecarLogsAsync(cluster, Examples, "deployment/java-app", ["java.lang.IllegalStateException", "Caused by: java.util.concurrent.TimeoutException"], token);
        // The Job's sidecar drained its file before the pod completed: every line is there.
        var jobLogs = await cluster.KubectlAsync(["-n", Examples, "logs", "job/batch-report", "-c", "logsidecar"], token);
        Assert.Contains("report step 5 of 5 done", jobLogs, StringComparison.Ordinal);
        Assert.Contains("report finished", jobLogs, StringComparison.Ordinal);

        await cluster.ApplyAsync("opt-in", OptInPods, token);
        await cluster.KubectlAsync(["-n", OptIn, "wait", "--for=condition=Ready", "pod/opted-in", "pod/not-opted-in", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
        // Live objects carry status and server-set fields: read leniently, the strict checks are for our manifests.
        var optedIn = KubernetesJson.Deserialize<V1Pod>(await cluster.KubectlAsync(["-n", OptIn, "get", "pod", "opted-in", "-o", "json"], token));
        var notOptedIn = KubernetesJson.Deserialize<V1Pod>(await cluster.KubectlAsync(["-n", OptIn, "get", "pod", "not-opted-in", "-o", "json"], token));
        Assert.Contains(optedIn.Spec.InitContainers ?? [], container => container.Name == "logsidecar");
        Assert.Null(notOptedIn.Spec.InitContainers);
        Assert.False(notOptedIn.Metadata.Annotations?.ContainsKey("logsidecar.io/status") ?? false);
        await AssertSidecarLogsAsync(cluster, OptIn, "pod/opted-in", ["opted-in pod started"], token);
    }

    // The app writes its first records once the sidecar is started; poll until they have been read.
    private static async Task AssertSidecarLogsAsync(K3sCluster cluster, string ns, string workload, IReadOnlyList<string> expected, CancellationToken token) =>
        await Eventually.WaitAsync(
            async () =>
            {
                var logs = (await cluster.TryKubectlAsync(["-n", ns, "logs", workload, "-c", "logsidecar"], token)).Output;
                return (expected.All(text => logs.Contains(text, StringComparison.Ordinal)), logs);
            },
            $"{string.Join(" and ", expected)} in kubectl logs {workload} -c logsidecar",
            ClusterLimit,
            token);

    private static async Task DockerAsync(IReadOnlyList<string> args, CancellationToken token)
    {
        var result = await ProcessRunner.RunAsync("docker", args, token, timeout: BuildLimit);
        Assert.True(result.ExitCode == 0, result.Describe($"docker {string.Join(' ', args)}"));
    }
}
