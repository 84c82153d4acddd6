using k8s.Models;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// One K3s cluster for the end-to-end tests (<see cref="K3sCollection"/>), made on first use: both images built from
/// the Dockerfiles and imported, the API server started with the audit webhook as the README's cluster-logging steps
/// configure it (for the Service address <see cref="K3sCluster.FixedServiceIp"/>), and the self-signed install applied
/// with both webhooks holding their CA. Where no Docker engine answers, each test is skipped with the reason.
/// </summary>
public sealed class K3sInstall : IAsyncDisposable
{
    public const string InjectorNamespace = "logsidecar-system";

    public const string InjectorDeployment = "logsidecar-injector";

    // Bounds for a failing run only: image builds compile Native AOT; first pulls can be slow.
    public static readonly TimeSpan ClusterLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(30);

    // Guards _started: the first test that asks starts the cluster, the others share it (or its failure).
    private readonly Lock _lock = new();
    private Task<(K3sCluster Cluster, AuditWebhookSetup Audit)>? _started;

    /// <summary>What <c>kubectl -n logsidecar-system rollout status</c> needs, as in the README.</summary>
    public static IReadOnlyList<string> InjectorRolloutStatus => ["-n", InjectorNamespace, "rollout", "status", $"deployment/{InjectorDeployment}", $"--timeout={ClusterLimit.TotalSeconds}s"];

    /// <summary>
    /// Runs <paramref name="steps"/> against the cluster; when one fails, prints what an operator would look at first
    /// (pods, the injector's log, events) and the output of <paramref name="diagnostics"/> (kubectl arguments).
    /// </summary>
    public async Task RunAsync(Func<K3sCluster, AuditWebhookSetup, CancellationToken, Task> steps, params IReadOnlyList<string>[] diagnostics)
    {
        var token = TestContext.Current.CancellationToken;
        if (await DockerEngine.UnavailableReasonAsync(token) is { } reason)
        {
            Assert.Skip($"Needs a Docker engine to build the images and run K3s: {reason}.");
        }

        Task<(K3sCluster Cluster, AuditWebhookSetup Audit)> started;
        lock (_lock)
        {
            started = _started ??= StartAsync(token);
        }

        var (cluster, audit) = await started;
        try
        {
            await steps(cluster, audit, token);
        }
        catch (Exception)
        {
            await PrintStateAsync(cluster, diagnostics);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A start that failed has cleaned up after itself.
        if (_started is { IsCompletedSuccessfully: true } started)
        {
            var (cluster, audit) = await started;
            await cluster.DisposeAsync();
            audit.Dispose();
        }
    }

    private static async Task<(K3sCluster Cluster, AuditWebhookSetup Audit)> StartAsync(CancellationToken token)
    {
        // The images under the names the manifests use, so nothing is pulled for them (IfNotPresent).
        var sidecarImage = (string?)(await InjectorConfig.ReadAsync("self-signed"))["image"];
        var injector = KubernetesModels.Read<V1Deployment>(await Kustomize.DocumentAsync("self-signed", "Deployment", InjectorDeployment));
        var injectorImage = injector.Spec.Template.Spec.Containers[0].Image;
        Assert.NotNull(sidecarImage);
        using var directory = new TempDirectory();
        var archive = directory.File("images.tar");
        await DockerAsync(["build", "-f", "Dockerfile.sidecar", "-t", sidecarImage, "."], token);
        await DockerAsync(["build", "-f", "Dockerfile.injector", "-t", injectorImage, "."], token);
        await DockerAsync(["save", "-o", archive, sidecarImage, injectorImage], token);

        var audit = await AuditWebhookSetup.CreateAsync(K3sCluster.FixedServiceIp, token);
        K3sCluster? cluster = null;
        try
        {
            cluster = await K3sCluster.StartAsync(audit.NodeFiles(), AuditWebhookSetup.K3sServerArgs, token);
            await cluster.ImportImagesAsync(archive, token);
            await InstallAsync(cluster, token);
            return (cluster, audit);
        }
        catch (Exception)
        {
            if (cluster is not null)
            {
                await PrintStateAsync(cluster, []);
                await cluster.DisposeAsync();
            }

            audit.Dispose();
            throw;
        }
    }

    private static async Task InstallAsync(K3sCluster cluster, CancellationToken token)
    {
        await cluster.ApplyAsync("install", await Kustomize.RenderAsync("self-signed"), token);
        await cluster.KubectlAsync(InjectorRolloutStatus, token);
        // The injector patches its CA into both webhooks; until then the API server cannot call them
        // and, failing open, would create pods without a sidecar.
        await Eventually.WaitAsync(
            async () =>
            {
                var bundles = await cluster.KubectlAsync(["get", "mutatingwebhookconfiguration", InjectorDeployment, "-o", "jsonpath={range .webhooks[*]}{.clientConfig.caBundle}{\"\\n\"}{end}"], token);
                var lines = bundles.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return (lines.Length == 2, bundles);
            },
            "the caBundle of both webhooks",
            ClusterLimit,
            token);
    }

    private static async Task PrintStateAsync(K3sCluster cluster, IReadOnlyList<string>[] diagnostics)
    {
        IReadOnlyList<string>[] common = [["get", "pods", "-A", "-o", "wide"], ["-n", InjectorNamespace, "logs", "-l", "app.kubernetes.io/name=logsidecar-injector", "--tail=100"], ["get", "events", "-A"]];
        foreach (var args in common.Concat(diagnostics))
        {
            var state = await cluster.TryKubectlAsync(args, CancellationToken.None);
            TestContext.Current.TestOutputHelper?.WriteLine($"$ kubectl {string.Join(' ', args)}\n{state.Output}{state.Error}");
        }
    }

    private static async Task DockerAsync(IReadOnlyList<string> args, CancellationToken token)
    {
        var result = await ProcessRunner.RunAsync("docker", args, token, timeout: BuildLimit);
        Assert.True(result.ExitCode == 0, result.Describe($"docker {string.Join(' ', args)}"));
    }
}
