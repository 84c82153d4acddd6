using System.Net;
using System.Net.Sockets;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary><c>logsidecar-injector check</c> against the loopback API stand-in: the table, the namespace defaults, and its exit codes.</summary>
public sealed class CheckCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckListsOptedInPodsWithTheirStateAndExitsOneWhenOneNeedsAction()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        var options = TestOptions.Create();
        api.PutNamespace("shop", new Dictionary<string, string> { ["logsidecar.io/format"] = "json" }, new Dictionary<string, string> { ["logsidecar.io/injection"] = "enabled" });
        var pod = ClusterPods.OptedIn("shop", "web-5d8f-x1", ("ReplicaSet", "web-5d8f"));
        pod["metadata"]!["labels"]!["pod-template-hash"] = "5d8f";
        api.Put("pods", "shop", ClusterPods.Injected(ClusterPods.OptedIn("shop", "fine"), options, new LogSidecar.Injector.Annotations.NamespaceDefaults("shop", new Dictionary<string, string> { ["logsidecar.io/format"] = "json" }, "enabled")));
        api.Put("pods", "shop", pod);
        using var client = api.CreateClient();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CheckCommand.RunAsync(client, options, new PodInjector(options, nativeByDefault: true), output, error, Token);

        var lines = output.ToString().Split('\n');
        Assert.Equal(1, code);
        Assert.Equal("", error.ToString());
        Assert.StartsWith("NAMESPACE  POD", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^shop\s+fine\s+-\s+yes\s+" + PodInjector.Version.Replace(".", "\\.", StringComparison.Ordinal) + @"\s+fine\s+injected with the current configuration", lines[1]);
        Assert.Matches(@"^shop\s+web-5d8f-x1\s+Deployment/web\s+no\s+-\s+missing\s+it opted in but runs without", lines[2]);
        Assert.Contains("  shop: logsidecar.io/injection=enabled; logsidecar.io/format=json", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("2 opted-in pod(s), 1 need(s) action", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckReadsTheKubeconfigFileAndExitsZeroWhenNothingNeedsAction()
    {
        await using var api = new LoopbackKubernetesApi();
        await api.StartAsync(Token);
        api.PutNamespace("shop");
        using var folder = new TempDirectory();
        var kubeconfig = Kubeconfig.Write(folder.File("kubeconfig"), api.Address);

        var (code, output, error) = await InjectorProcess.RunAsync(["check", "--native", "always", "--image", "registry.example/logsidecar:0.1.0"], environment: new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });

        Assert.True(code == 0, error);
        Assert.Contains("0 opted-in pod(s), none needs action.", output, StringComparison.Ordinal);
        Assert.Contains("GET pods?labelSelector=logsidecar.io/inject=true 200", api.Requests);
    }

    [Fact]
    public async Task CheckSaysWhenTheApiServerCannotBeReachedAndExitsTwo()
    {
        using var folder = new TempDirectory();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (code, _, error) = await InjectorProcess.RunAsync(["check"], environment: new Dictionary<string, string> { ["KUBECONFIG"] = Kubeconfig.Write(folder.File("kubeconfig"), new Uri($"http://127.0.0.1:{port}/")) });

        Assert.Equal(2, code);
        Assert.Contains("logsidecar-injector check: cannot reach the Kubernetes API server to list namespaces", error, StringComparison.Ordinal);
    }
}
