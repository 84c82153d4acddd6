using System.Text;
using Testcontainers.K3s;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// A throwaway K3s cluster in Docker (Testcontainers). kubectl runs inside the K3s container, so the
/// tests need nothing but the Docker engine; images built here are imported into its containerd.
/// </summary>
public sealed class K3sCluster : IAsyncDisposable
{
    // 1.29+ so the injector chooses native sidecars (the Job example relies on them).
    public const string Image = "rancher/k3s:v1.31.4-k3s1";

    /// <summary>
    /// An address of K3s's service range (10.43.0.0/16) in the band the API server keeps for fixed picks (its first
    /// 256 addresses): no Service can get it before the one that asks for it.
    /// </summary>
    public const string FixedServiceIp = "10.43.0.200";

    private readonly K3sContainer _container;

    private K3sCluster(K3sContainer container)
    {
        _container = container;
    }

    /// <summary>
    /// Starts the cluster with <paramref name="nodeFiles"/> (path on the node to content) in place before K3s starts,
    /// and <paramref name="serverArgs"/> added to <c>k3s server</c> (such as <c>--kube-apiserver-arg=...</c>).
    /// </summary>
    public static async Task<K3sCluster> StartAsync(IReadOnlyDictionary<string, byte[]> nodeFiles, IReadOnlyList<string> serverArgs, CancellationToken cancellationToken)
    {
        var builder = new K3sBuilder(Image).WithCommand([.. serverArgs]);
        foreach (var (path, content) in nodeFiles)
        {
            builder = builder.WithResourceMapping(content, path);
        }

        var container = builder.Build();
        await container.StartAsync(cancellationToken);
        return new K3sCluster(container);
    }

    /// <summary>Imports an image archive (<c>docker save</c>) into the cluster's containerd.</summary>
    public async Task ImportImagesAsync(string archive, CancellationToken cancellationToken)
    {
        await _container.CopyAsync(new FileInfo(archive), "/tmp/", ct: cancellationToken);
        await ExecAsync(["ctr", "--namespace", "k8s.io", "images", "import", $"/tmp/{Path.GetFileName(archive)}"], cancellationToken);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> in the K3s container (where kubectl runs).</summary>
    public async Task CopyAsync(byte[] content, string path, CancellationToken cancellationToken) =>
        await _container.CopyAsync(content, path, ct: cancellationToken);

    /// <summary>Applies rendered manifests.</summary>
    public async Task ApplyAsync(string name, string yaml, CancellationToken cancellationToken)
    {
        var path = $"/tmp/{name}.yaml";
        await CopyAsync(Encoding.UTF8.GetBytes(yaml), path, cancellationToken);
        await KubectlAsync(["apply", "-f", path], cancellationToken);
    }

    /// <summary>Runs kubectl in the cluster; fails the test when it fails.</summary>
    public async Task<string> KubectlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        await ExecAsync(["kubectl", .. args], cancellationToken);

    /// <summary>Runs a command line with the K3s container's <c>sh</c> (kubectl is on its path); fails the test when it fails.</summary>
    public async Task<string> ShellAsync(string commandLine, CancellationToken cancellationToken) =>
        await ExecAsync(["sh", "-c", commandLine], cancellationToken);

    /// <summary>Runs kubectl in the cluster and returns its result whatever it is.</summary>
    public async Task<ProcessResult> TryKubectlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await _container.ExecAsync(["kubectl", .. args], cancellationToken);
        return Describe(result);
    }

    /// <summary>Waits until <c>kubectl logs WORKLOAD -c CONTAINER</c> shows every text of <paramref name="expected"/>.</summary>
    public async Task WaitForLogsAsync(string ns, string workload, string container, IReadOnlyList<string> expected, TimeSpan limit, CancellationToken cancellationToken) =>
        await Eventually.WaitAsync(
            async () =>
            {
                var logs = (await TryKubectlAsync(["-n", ns, "logs", workload, "-c", container], cancellationToken)).Output;
                return (expected.All(text => logs.Contains(text, StringComparison.Ordinal)), logs);
            },
            $"{string.Join(" and ", expected)} in kubectl logs {workload} -c {container}",
            limit,
            cancellationToken);

    public ValueTask DisposeAsync() => _container.DisposeAsync();

    private async Task<string> ExecAsync(IList<string> command, CancellationToken cancellationToken)
    {
        var result = Describe(await _container.ExecAsync(command, cancellationToken));
        Assert.True(result.ExitCode == 0, result.Describe(string.Join(' ', command)));
        return result.Output;
    }

    // An exec whose exit code the engine did not report counts as a failure.
    private static ProcessResult Describe(DotNet.Testcontainers.Containers.ExecResult result) =>
        new(result.ExitCode is { } code ? (int)code : -1, result.Stdout, result.Stderr);
}
