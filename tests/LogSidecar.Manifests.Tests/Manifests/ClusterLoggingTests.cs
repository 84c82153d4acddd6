using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Manifests.Tests.Infrastructure;
using static LogSidecar.Manifests.Tests.Infrastructure.ClusterLoggingManifests;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>manifests/cluster-logging: the audit webhook receiver, its Service and the API server's side, and the Events source with its RBAC.</summary>
public sealed partial class ClusterLoggingTests
{
    [Fact]
    public async Task TwoReplicasOfTheSidecarImageRunNonRootOnAReadOnlyRootUnderPodSecurityRestricted()
    {
        var deployment = await DeploymentAsync();
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var injectorConfig = await Kustomize.DocumentAsync("base", "ConfigMap", "logsidecar-injector-config");

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Empty(PodSecurityRestricted.Violations(pod));
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.True(pod.AutomountServiceAccountToken);
        Assert.Contains($"\"image\": \"{container.Image}\"", (string)injectorConfig["data"]!["config.json"]!, StringComparison.Ordinal);
        Assert.Equal(["--config", "/etc/logsidecar/config.json"], container.Args);
        var ns = await Kustomize.DocumentAsync(Overlay, "Namespace", Namespace);
        Assert.Equal("restricted", (string?)ns["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public async Task TheConfigurationIsValidAndItsFilesAreWhereTheDeploymentMountsThem()
    {
        var deployment = await DeploymentAsync();
        var container = deployment.Spec.Template.Spec.Containers[0];
        var config = await ConfigAsync();
        var audit = config.Sources!.Audit!;

        Assert.Empty(SidecarConfigValidator.Validate(config));
        Assert.Equal("0.0.0.0:8443", audit.Listen);
        Assert.Equal(8443, container.Ports.Single(p => p.Name == "audit").ContainerPort);
        Assert.Equal(config.Metrics.Port, container.Ports.Single(p => p.Name == "metrics").ContainerPort);
        Assert.Equal("0.0.0.0", config.Metrics.Address);

        string MountOf(string path) => container.VolumeMounts.Single(m => path.StartsWith(m.MountPath + "/", StringComparison.Ordinal)).Name;
        Assert.All(new[] { audit.TlsCert!, audit.TlsKey!, audit.ClientCa! }, file => Assert.Equal("tls", MountOf(file)));
        Assert.Equal("spool", MountOf(audit.SpoolDir!));
        Assert.Equal("spool", MountOf(config.CheckpointDir!));
        var tls = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "tls");
        Assert.Equal("logsidecar-audit-tls", tls.Secret.SecretName);
        Assert.Equal(["tls.crt", "tls.key", "client-ca.crt"], new[] { audit.TlsCert!, audit.TlsKey!, audit.ClientCa! }.Select(Path.GetFileName));

        // The volume outgrows the budget: the endpoint answers 429 before the kubelet would evict the pod.
        var spool = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "spool");
        Assert.True(spool.EmptyDir.SizeLimit.ToInt64() > audit.SpoolMaxBytes);
    }

    [Fact]
    public async Task TheServiceSendsHttpsToTheAuditPortOfThePods()
    {
        var deployment = await DeploymentAsync();
        var service = KubernetesModels.Read<V1Service>(await Kustomize.DocumentAsync(Overlay, "Service", "logsidecar-audit"));

        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(443, port.Port);
        Assert.Equal("audit", port.TargetPort.Value);
        Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Equal(PodSelector, string.Join(',', deployment.Spec.Selector.MatchLabels.Select(label => $"{label.Key}={label.Value}")));
    }

    [Fact]
    public async Task RbacIsExactlyWhatTheEventsSourceUsesBoundToItsAccount()
    {
        var documents = await Kustomize.DocumentsAsync(Overlay);
        var config = await ConfigAsync();
        var lease = config.Sources!.Events!.Lease!;
        var pod = (await DeploymentAsync()).Spec.Template.Spec;

        var clusterRole = KubernetesModels.Read<V1ClusterRole>(await Kustomize.DocumentAsync(Overlay, "ClusterRole", "logsidecar-cluster-logging-events"));
        var rule = Assert.Single(clusterRole.Rules);
        Assert.Equal(["events.k8s.io"], rule.ApiGroups);
        Assert.Equal(["events"], rule.Resources);
        Assert.Equal(["list", "watch"], rule.Verbs);

        var role = KubernetesModels.Read<V1Role>(await Kustomize.DocumentAsync(Overlay, "Role", "logsidecar-cluster-logging-lease"));
        Assert.All(role.Rules, r => Assert.Equal(["leases"], r.Resources));
        Assert.Equal([lease.Name], role.Rules.Single(r => r.Verbs.Contains("update")).ResourceNames);
        Assert.Equal(["get", "update"], role.Rules.Single(r => r.Verbs.Contains("update")).Verbs);
        Assert.Equal(["create"], role.Rules.Single(r => r.Verbs.Contains("create")).Verbs);
        Assert.Null(lease.Namespace);
        Assert.Equal("metadata.namespace", pod.Containers[0].Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.name", pod.Containers[0].Env.Single(e => e.Name == "POD_NAME").ValueFrom.FieldRef.FieldPath);

        // Both roles are bound to the pods' account, and nothing else is granted.
        foreach (var binding in documents.Where(d => (string?)d["kind"] is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal(pod.ServiceAccountName, (string?)subject["name"]);
            Assert.Equal(Namespace, (string?)subject["namespace"]);
        }

        Assert.Equal(2, documents.Count(d => (string?)d["kind"] is "Role" or "ClusterRole"));
        Assert.Equal(2, documents.Count(d => (string?)d["kind"] is "RoleBinding" or "ClusterRoleBinding"));
    }

    [Fact]
    public void TheExamplePolicyLogsSecretsAtMetadataWritesAtRequestAndSkipsNoisyReads()
    {
        var policy = new AuditPolicy(ApiServerFile("audit-policy.yaml"));
        string[] admins = ["system:masters", "system:authenticated"];

        Assert.All(policy.Rules.OfType<JsonObject>(), rule => Assert.Contains((string)rule["level"]!, AuditPolicy.Levels));
        Assert.Equal("Metadata", policy.LevelOf("alice", admins, "get", "", "secrets", "shop"));
        Assert.Equal("Metadata", policy.LevelOf("alice", admins, "create", "", "secrets", "shop"));
        Assert.Equal("Metadata", policy.LevelOf("alice", admins, "update", "", "configmaps", "shop"));
        Assert.Equal("Metadata", policy.LevelOf("system:kube-apiserver", admins, "create", "authentication.k8s.io", "tokenreviews"));
        Assert.Equal("Request", policy.LevelOf("alice", admins, "create", "apps", "deployments", "shop"));
        Assert.Equal("Request", policy.LevelOf("alice", admins, "delete", "", "pods", "shop"));
        Assert.Equal("Request", policy.LevelOf("alice", admins, "patch", "", "pods/status", "shop"));
        Assert.Equal("Metadata", policy.LevelOf("alice", admins, "list", "", "pods", "shop"));
        Assert.Equal("None", policy.LevelOf("system:kube-proxy", ["system:authenticated"], "watch", "", "endpoints"));
        Assert.Equal("None", policy.LevelOf("system:node:n1", ["system:nodes"], "get", "", "nodes"));
        Assert.Equal("None", policy.LevelOf("system:kube-scheduler", ["system:authenticated"], "get", "coordination.k8s.io", "leases", "kube-system"));
        Assert.Equal("Request", policy.LevelOf("system:kube-scheduler", ["system:authenticated"], "update", "coordination.k8s.io", "leases", "kube-system"));
        Assert.Equal("None", policy.LevelOfPath("system:anonymous", ["system:unauthenticated"], "get", "/healthz"));
        Assert.Equal("None", policy.LevelOfPath("system:anonymous", ["system:unauthenticated"], "get", "/readyz/etcd"));
        Assert.Equal("Metadata", policy.LevelOfPath("alice", admins, "get", "/logs"));
    }

    [Fact]
    public async Task TheWebhookKubeconfigCallsTheServiceOverHttpsWithAClientCertificate()
    {
        var kubeconfig = ApiServerFile("audit-webhook-kubeconfig.yaml");
        var service = KubernetesModels.Read<V1Service>(await Kustomize.DocumentAsync(Overlay, "Service", "logsidecar-audit"));

        var cluster = Assert.Single(kubeconfig["clusters"]!.AsArray())!["cluster"]!;
        var server = new Uri(((string)cluster["server"]!).Replace("SERVICE_IP", "10.96.0.80", StringComparison.Ordinal));
        Assert.Equal("https", server.Scheme);
        Assert.Equal(service.Spec.Ports[0].Port, server.Port);
        Assert.NotNull((string?)cluster["certificate-authority"]);
        var user = Assert.Single(kubeconfig["users"]!.AsArray())!["user"]!;
        Assert.NotNull((string?)user["client-certificate"]);
        Assert.NotNull((string?)user["client-key"]);
        Assert.Equal("default", (string?)kubeconfig["current-context"]);
    }

    [Fact]
    public async Task TheReadmeCertificatesLetTheApiServerPostToTheAuditEndpointWithTheFilesItsKubeconfigNames()
    {
        var token = TestContext.Current.CancellationToken;
        using var setup = await AuditWebhookSetup.CreateAsync("127.0.0.1", token);
        await using var sidecar = ChildProcess.Start(
            "logsidecar.dll",
            ["--audit-listen", "127.0.0.1:0", "--tls-cert", setup.Directory.File("tls.crt"), "--tls-key", setup.Directory.File("tls.key"),
             "--client-ca", setup.Directory.File("ca.crt"), "--audit-spool", setup.Directory.File("spool"), "--metrics-port", "0"]);
        await sidecar.WaitForErrorOutputAsync("Audit webhook listening on https://127.0.0.1:");
        var port = AuditListening().Match(sidecar.Errors).Groups["port"].Value;

        // What the API server has on its node (step 3), used as it uses it: the server of the kubeconfig (with the
        // listener's port), trusting only the CA file it names, presenting the client certificate and key it names.
        using var node = new TempDirectory();
        var files = setup.NodeFiles();
        string OnNode(string path)
        {
            var local = node.File(path.TrimStart('/').Replace('/', '_'));
            File.WriteAllBytes(local, files[path]);
            return local;
        }

        var kubeconfig = Assert.Single(YamlDocuments.Parse(Encoding.UTF8.GetString(files[$"{AuditWebhookSetup.NodeDirectory}/audit-webhook-kubeconfig.yaml"])));
        var cluster = kubeconfig["clusters"]![0]!["cluster"]!;
        var user = kubeconfig["users"]![0]!["user"]!;
        var server = new UriBuilder((string)cluster["server"]!) { Port = int.Parse(port, CultureInfo.InvariantCulture) }.Uri;
        const string Batch = """{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{"auditID":"readme-1","stage":"ResponseComplete","verb":"create","user":{"username":"kubernetes-admin"},"objectRef":{"resource":"configmaps","namespace":"default","name":"audit-check"},"responseStatus":{"code":201},"stageTimestamp":"2026-11-30T10:00:00Z"}]}""";
        var posted = await ProcessRunner.RunAsync(
            "curl",
            ["--silent", "--show-error", "--fail", "--cacert", OnNode((string)cluster["certificate-authority"]!), "--cert", OnNode((string)user["client-certificate"]!),
             "--key", OnNode((string)user["client-key"]!), "--data", Batch, server.ToString()],
            token);
        Assert.True(posted.ExitCode == 0, posted.Describe($"curl {server} as the API server") + $"\nsidecar stderr:\n{sidecar.Errors}");
        await sidecar.WaitUntilAsync(lines => lines.Any(line => line.Contains("create configmaps default/audit-check by kubernetes-admin -> 201", StringComparison.Ordinal)), "the posted event on stdout");

        // Without the client certificate, the endpoint refuses.
        var anonymous = await ProcessRunner.RunAsync("curl", ["--silent", "--output", "/dev/null", "--write-out", "%{http_code}", "--cacert", OnNode((string)cluster["certificate-authority"]!), "--data", Batch, server.ToString()], token);
        Assert.Equal("401", anonymous.Output);
    }

    [GeneratedRegex(@"Audit webhook listening on https://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex AuditListening();
}
