using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.EndToEnd;

/// <summary>
/// <c>manifests/cluster-logging</c> on a real cluster, installed the README's way ("Install: manifests/cluster-logging"):
/// the Secret made by its commands, the API server of K3s started with the audit policy and the webhook kubeconfig
/// (<see cref="K3sInstall"/>), and the Service at the address that kubeconfig names. What a user then checks: the
/// Kubernetes Events of a pod that fails, and the audit event of a <c>kubectl create</c>, are records on the
/// Deployment's stdout (<c>kubectl logs</c> of its pods: the audit batches go to either replica, the Events are
/// shipped by the one holding the Lease). Needs a Docker engine; skipped with the reason where there is none.
/// </summary>
[Collection(K3sCollection.Name)]
public sealed class K3sClusterLoggingTests(K3sInstall install)
{
    private const string Namespace = "logsidecar-cluster-logs";
    private const string FailingPod = "unpullable";

    // The README's working folder of step 2, in the K3s container where kubectl runs.
    private const string SecretFolder = "/tmp/logsidecar-audit-tls";

    private static readonly TimeSpan ClusterLimit = K3sInstall.ClusterLimit;

    [Fact]
    public Task TheEventsOfAPodWhoseImageCannotBePulledArriveOnStdout() =>
        install.RunAsync(
            async (cluster, audit, token) =>
            {
                await InstallAsync(cluster, audit, token);
                var stream = (await ClusterLoggingManifests.ConfigAsync()).Sources!.Events!.Stream;

                // No registry answers for .invalid: the kubelet reports Failed (Warning) and backs off, again and again.
                await cluster.ApplyAsync("unpullable", $$"""
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: {{Namespace}}}
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: {{FailingPod}}, namespace: {{Namespace}}}
                    spec:
                      containers:
                      - name: app
                        image: registry.invalid/logsidecar/no-such-image:1
                    """, token);
                var record = await WaitForRecordAsync(
                    cluster,
                    stream,
                    fields => (string?)fields["object"]?["name"] == FailingPod && (string?)fields["namespace"] == Namespace && (string?)fields["reason"] == "Failed",
                    $"a Failed event of pod {Namespace}/{FailingPod}",
                    token);

                var fields = record["fields"]!;
                Assert.Equal("WARN", (string?)record["severity_text"]);
                Assert.Equal("Warning", (string?)fields["type"]);
                Assert.Equal("Pod", (string?)fields["object"]!["kind"]);
                Assert.False(string.IsNullOrWhiteSpace((string?)record["message"]), record.ToJsonString());

                // It is an Event the cluster holds about that pod, not something made up on the way.
                var events = KubernetesJson.Deserialize<Corev1EventList>(await cluster.KubectlAsync(["-n", Namespace, "get", "events", "-o", "json"], token)).Items;
                var source = Assert.Single(events, e => e.Metadata.Uid == (string?)fields["event"]?["uid"]);
                Assert.Equal(("Failed", FailingPod), (source.Reason, source.InvolvedObject.Name));
                Assert.Equal($"{source.Metadata.Uid}-{(long?)fields["count"]}", (string?)fields["recordId"]);
            },
            DiagnosticLogs());

    [Fact]
    public Task TheAuditEventOfAKubectlCreateArrivesOnStdout() =>
        install.RunAsync(
            async (cluster, audit, token) =>
            {
                await InstallAsync(cluster, audit, token);
                var stream = (await ClusterLoggingManifests.ConfigAsync()).Sources!.Audit!.Stream;
                var name = $"audit-check-{Guid.NewGuid():N}"[..24];

                await cluster.ApplyAsync("audit-check-namespace", $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {Namespace}}}\n", token);
                await cluster.KubectlAsync(["-n", Namespace, "create", "configmap", name, "--from-literal=checked=yes"], token);
                var record = await WaitForRecordAsync(
                    cluster,
                    stream,
                    fields => (string?)fields["objectRef.name"] == name && (string?)fields["verb"] == "create",
                    $"the audit event of creating configmap {Namespace}/{name}",
                    token);

                // The example policy: ConfigMaps at Metadata level, one event per request once it is answered.
                var fields = record["fields"]!;
                Assert.Equal("configmaps", (string?)fields["objectRef.resource"]);
                Assert.Equal(Namespace, (string?)fields["objectRef.namespace"]);
                Assert.Equal(201, (int?)fields["responseStatus.code"]);
                Assert.Equal("ResponseComplete", (string?)fields["stage"]);
                Assert.False(string.IsNullOrEmpty((string?)fields["auditID"]), record.ToJsonString());
                var message = (string?)record["message"] ?? "";
                Assert.True(
                    message.StartsWith($"create configmaps {Namespace}/{name} by ", StringComparison.Ordinal) && message.EndsWith(" -> 201", StringComparison.Ordinal),
                    message);
            },
            DiagnosticLogs());

    /// <summary>
    /// The README's steps 1 and 2 for this cluster: the Secret from the files its commands made (once), and the overlay
    /// with the Service at the address the API server was started with, as the README says for kind.
    /// </summary>
    private static async Task InstallAsync(K3sCluster cluster, AuditWebhookSetup audit, CancellationToken token)
    {
        var deployment = await ClusterLoggingManifests.DeploymentAsync();
        var ns = deployment.Metadata.NamespaceProperty;
        if ((await cluster.TryKubectlAsync(["-n", ns, "get", "secret", deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "tls").Secret.SecretName], token)).ExitCode != 0)
        {
            await cluster.ShellAsync($"mkdir -p {SecretFolder}", token);
            foreach (var file in Directory.EnumerateFiles(audit.Directory.Path))
            {
                await cluster.CopyAsync(await File.ReadAllBytesAsync(file, token), $"{SecretFolder}/{Path.GetFileName(file)}", token);
            }

            await cluster.ShellAsync($"cd {SecretFolder} && {audit.SecretCommand}", token);
        }

        var overlay = await Kustomize.BuildOverlayAsync(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["kustomization.yaml"] = $"resources:\n- MANIFESTS/{ClusterLoggingManifests.Overlay}\npatches:\n- path: service.yaml\n",
                ["service.yaml"] = $$"""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: {{ClusterLoggingManifests.ServiceName}}, namespace: {{ns}}}
                    spec: {clusterIP: {{audit.ServiceIp}}}
                    """,
            },
            token);
        Assert.True(overlay.ExitCode == 0, overlay.Describe("kubectl kustomize of cluster-logging with a fixed clusterIP"));
        await cluster.ApplyAsync("cluster-logging", overlay.Output, token);
        await cluster.KubectlAsync(["-n", ns, "rollout", "status", $"deployment/{deployment.Metadata.Name}", $"--timeout={ClusterLimit.TotalSeconds}s"], token);
        Assert.Equal(audit.ServiceIp, await cluster.KubectlAsync(["-n", ns, "get", "service", ClusterLoggingManifests.ServiceName, "-o", "jsonpath={.spec.clusterIP}"], token));
    }

    /// <summary>The first record of <paramref name="stream"/> whose fields match, once the Deployment's pods have printed one.</summary>
    private static async Task<JsonObject> WaitForRecordAsync(K3sCluster cluster, string stream, Func<JsonNode, bool> matches, string what, CancellationToken token)
    {
        var record = await Eventually.WaitAsync(
            async () =>
            {
                var found = (await RecordsAsync(cluster, stream, token)).FirstOrDefault(candidate => candidate["fields"] is { } fields && matches(fields));
                return (found is not null, found);
            },
            $"{what} in stream {stream}",
            ClusterLimit,
            token);
        return record!;
    }

    /// <summary>The records of <paramref name="stream"/> that every pod of the Deployment printed (its own diagnostics are JSON lines too, without a stream).</summary>
    private static async Task<List<JsonObject>> RecordsAsync(K3sCluster cluster, string stream, CancellationToken token)
    {
        var logs = await cluster.KubectlAsync(Logs("--tail=-1"), token);
        var records = new List<JsonObject>();
        foreach (var line in logs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject record && (string?)record["stream"] == stream)
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // Not a record (kubectl's own notes, a line cut off by a container restart).
            }
        }

        return records;
    }

    /// <summary>
    /// <c>kubectl logs</c> of every pod of the Deployment, by its selector: <c>kubectl logs deployment/...</c> reads one
    /// pod only, and with a selector kubectl prints only the last 10 lines of each unless told otherwise.
    /// </summary>
    private static IReadOnlyList<string> Logs(params IReadOnlyList<string> options) =>
        ["-n", ClusterLoggingManifests.Namespace, "logs", "-l", ClusterLoggingManifests.PodSelector, "--max-log-requests=10", .. options];

    private static IReadOnlyList<string> DiagnosticLogs() => Logs("--tail=40", "--prefix");
}
