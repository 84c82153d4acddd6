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

    private readonly K3sContainer _container;

    private K3sCluster(K3sContainer container)
    {
        _container = container;
    }

    public static async Task<K3sCluster> StartAsync(CancellationToken cancellationToken)
    {
        var container = new K3sBuilder(Image).Build();
        await container.StartAsync(cancellationToken);
        return new K3sCluster(container);
    }

    /// <summary>Imports an image archive (<c>docker save</c>) into the cluster's containerd.</summary>
    public async Task ImportImagesAsync(string archive, CancellationToken cancellationToken)
    {
        await _container.CopyAsync(new FileInfo(archive), "/tmp/", ct: cancellationToken);
        await ExecAsync(["ctr", "--namespace", "k8s.io", "images", "import", $"/tmp/{Path.GetFileName(archive)}"], cancellationToken);
    }

    /// <summary>Applies rendered manifests.</summary>
    public async Task ApplyAsync(string name, string yaml, CancellationToken cancellationToken)
    {
        var path = $"/tmp/{name}.yaml";
        await _container.CopyAsync(Encoding.UTF8.GetBytes(yaml), path, ct: cancellationToken);
        await KubectlAsync(["apply", "-f", path], cancellationToken);
    }

    /// <summary>Runs kubectl in the cluster; fails the test when it fails.</summary>
    public async Task<string> KubectlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        await ExecAsync(["kubectl", .. args], cancellationToken);

    /// <summary>Runs kubectl in the cluster and returns its result whatever it is.</summary>
    public async Task<ProcessResult> TryKubectlAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await _container.ExecAsync(["kubectl", .. args], cancellationToken);
        return Describe(result);
    }

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
