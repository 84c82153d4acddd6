using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Tests.Controller;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Hosting;

/// <summary><c>serve</c> and <c>check</c> outside a pod read the Kubernetes API named by <c>KUBECONFIG</c>, here the loopback stand-in.</summary>
public sealed class KubernetesAccessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServeWatchesTheClusterOfTheKubeconfigInKubeconfigAndReportsAPodMissingItsSidecar()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("shop");
        api.Put("pods", "shop", ClusterPods.OptedIn("shop", "web-1"));
        using var folder = new TempDirectory();
        using var certificate = TestCertificates.SelfSigned("logsidecar-injector");
        TestCertificates.WritePem(certificate, folder.File("tls.crt"), folder.File("tls.key"));

        await using var injector = ChildProcess.Start(
            "logsidecar-injector.dll",
            ["serve", "--native", "always", "--listen", "127.0.0.1:0", "--tls-cert", folder.File("tls.crt"), "--tls-key", folder.File("tls.key")],
            environment: new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["KUBECONFIG"] = Kubeconfig.Write(folder.File("kubeconfig"), api.Address),
                ["POD_NAMESPACE"] = "logsidecar-system",
            });

        await injector.WaitUntilAsync(lines => lines.Any(line => line.Contains("Pod shop/web-1 misses its sidecar", StringComparison.Ordinal)), "the controller to report shop/web-1");
        await Condition.WaitAsync(() => ClusterPods.Events(api, "shop", "web-1", PodController.MissingReason).Count == 1, "the LogSidecarMissing Event on shop/web-1");
        Assert.Equal("logsidecar-injector-controller", (string?)api.Find("leases", "logsidecar-system", "logsidecar-injector-controller")?["metadata"]?["name"]);
        Assert.Contains("GET namespaces 200", api.Requests);
    }

    [Fact]
    public async Task ServeStopsAtStartAndSaysWhyWhenTheKubeconfigInKubeconfigCannotBeRead()
    {
        using var folder = new TempDirectory();
        using var certificate = TestCertificates.SelfSigned("logsidecar-injector");
        TestCertificates.WritePem(certificate, folder.File("tls.crt"), folder.File("tls.key"));
        var missing = folder.File("no-such-kubeconfig");

        var (code, _, error) = await InjectorProcess.RunAsync(
            ["serve", "--native", "always", "--listen", "127.0.0.1:0", "--tls-cert", folder.File("tls.crt"), "--tls-key", folder.File("tls.key")],
            environment: new Dictionary<string, string> { ["KUBECONFIG"] = missing });

        Assert.Equal(2, code);
        Assert.Contains($"logsidecar-injector: KUBECONFIG {missing}: ", error, StringComparison.Ordinal);
        Assert.Contains("point KUBECONFIG at a readable kubeconfig with a current context, or unset it to use the pod's service account", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckSaysWhyAndExitsTwoWhenTheKubeconfigInKubeconfigIsNotYaml()
    {
        using var folder = new TempDirectory();
        var broken = folder.File("kubeconfig");
        await File.WriteAllTextAsync(broken, "clusters: [unclosed\n  - : :\n", Token);

        var (code, _, error) = await InjectorProcess.RunAsync(["check"], environment: new Dictionary<string, string> { ["KUBECONFIG"] = broken });

        Assert.Equal(2, code);
        Assert.StartsWith("logsidecar-injector check: no cluster to check: ", error, StringComparison.Ordinal);
        Assert.Contains("set KUBECONFIG to a kubeconfig file (or use ~/.kube/config), or run it in a pod with a service account", error, StringComparison.Ordinal);
    }
}
