using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// The two programs Prometheus watches, as real child processes: the sidecar shipping a log file, and the injector's
/// webhook with its controller watching a loopback Kubernetes API.
/// </summary>
internal static partial class MonitoredPrograms
{
    public const string PodNamespace = "shop";
    public const string PodName = "web-7d9f";
    public const string InjectorNamespace = "logsidecar-system";

    /// <summary>An opted-in pod of <see cref="StartClusterAsync"/> that runs without the sidecar.</summary>
    public const string MissingPod = "web-missing";

    /// <summary>An opted-in pod of <see cref="StartClusterAsync"/> injected under an earlier configuration.</summary>
    public const string DriftedPod = "web-drifted";

    /// <summary>The downward-API variables the injector gives the sidecar.</summary>
    public static Dictionary<string, string> PodEnvironment => new(StringComparer.Ordinal)
    {
        ["POD_NAMESPACE"] = PodNamespace,
        ["POD_NAME"] = PodName,
        ["POD_UID"] = "6f1c2a54-0d7e-4b8e-9a43-2f1b8e0c7d11",
        ["NODE_NAME"] = "node-a",
        ["CONTAINER_NAME"] = "logsidecar",
    };

    /// <summary>
    /// Arguments for a sidecar that ships <c>app.log</c> of <paramref name="directory"/> (format json) to the
    /// Elasticsearch at <paramref name="backend"/> with quick retries, metrics on 127.0.0.1:<paramref name="metricsPort"/>.
    /// </summary>
    public static List<string> SidecarArguments(TempDirectory directory, Uri backend, int metricsPort)
    {
        var config = new JsonObject
        {
            ["mode"] = "ship",
            ["sinks"] = new JsonArray(new JsonObject
            {
                ["name"] = "es",
                ["type"] = "elasticsearch",
                ["endpoint"] = backend.ToString(),
                ["flushIntervalMs"] = 50,
                ["retryInitialMs"] = 20,
                ["retryMaxMs"] = 200,
            }),
            ["streams"] = new JsonArray(new JsonObject { ["name"] = "app", ["paths"] = new JsonArray(directory.File("app.log")), ["format"] = "json" }),
            ["checkpointDir"] = directory.File("state"),
            ["metrics"] = new JsonObject { ["port"] = metricsPort, ["address"] = "127.0.0.1" },
        };
        File.WriteAllText(directory.File("sidecar.json"), config.ToJsonString());
        return ["--config", directory.File("sidecar.json")];
    }

    /// <summary>
    /// The loopback Kubernetes API the injector's controller watches: namespace <see cref="PodNamespace"/> with two
    /// opted-in pods it reports, <see cref="MissingPod"/> (created while the webhook did not answer: no sidecar) and
    /// <see cref="DriftedPod"/> (injected, by the offline <c>inject</c> command, under an earlier configuration that
    /// gave the sidecar another image).
    /// </summary>
    public static async Task<LoopbackKubernetesApi> StartClusterAsync(TempDirectory directory, CancellationToken cancellationToken)
    {
        var cluster = new LoopbackKubernetesApi();
        await cluster.StartAsync(cancellationToken);
        cluster.PutNamespace(PodNamespace);
        cluster.Put("pods", PodNamespace, OptedInPod(MissingPod));

        var earlier = directory.File("drifted-pod.json");
        await File.WriteAllTextAsync(earlier, OptedInPod(DriftedPod).ToJsonString(), cancellationToken);
        var injected = await InjectorCommand.InjectAsync(earlier, ["-o", "json", "--native", "always", "--image", "registry.example/logsidecar:0.0.9"], cancellationToken);
        Assert.True(injected.ExitCode == 0, injected.Describe("inject (the earlier configuration)"));
        cluster.Put("pods", PodNamespace, JsonNode.Parse(injected.Output)!.AsObject());
        return cluster;
    }

    /// <summary>
    /// Starts <c>logsidecar-injector serve</c> on a port it picks, with the test CA's server certificate, its controller
    /// reading <paramref name="cluster"/> through a kubeconfig file in <c>KUBECONFIG</c>; returns it once it listens.
    /// </summary>
    public static async Task<(ChildProcess Process, int Port)> StartInjectorAsync(TempDirectory directory, TestCertificates certificates, LoopbackKubernetesApi cluster)
    {
        await File.WriteAllTextAsync(directory.File("tls.crt"), certificates.Server.ExportCertificatePem());
        using (var key = certificates.Server.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(directory.File("tls.key"), key.ExportPkcs8PrivateKeyPem());
        }

        await File.WriteAllTextAsync(directory.File("injector.json"), """{"native": "always"}""");
        var process = ChildProcess.Start(
            "logsidecar-injector.dll",
            ["serve", "--config", directory.File("injector.json"), "--listen", "127.0.0.1:0", "--tls-cert", directory.File("tls.crt"), "--tls-key", directory.File("tls.key")],
            environment: new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["KUBECONFIG"] = Kubeconfig.Write(directory.File("kubeconfig"), cluster.Address),
                ["POD_NAMESPACE"] = InjectorNamespace,
            });

        // The port it picked, from ASP.NET Core's "Now listening on" line.
        await process.WaitUntilAsync(lines => lines.Any(line => Listening().IsMatch(line)), "the injector to listen");
        var port = int.Parse(process.Lines.Select(line => Listening().Match(line)).First(match => match.Success).Groups[1].Value, CultureInfo.InvariantCulture);
        return (process, port);
    }

    /// <summary>A running pod labelled to opt in, as the API server stores it when no webhook changed it.</summary>
    private static JsonObject OptedInPod(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = PodNamespace,
            ["labels"] = new JsonObject { ["logsidecar.io/inject"] = "true", ["app"] = "web" },
        },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
        ["status"] = new JsonObject { ["phase"] = "Running" },
    };

    /// <summary>An HTTPS client that trusts the test CA only, as the API server trusts the webhook's caBundle.</summary>
    public static HttpClient InjectorClient(int port, X509Certificate2 authority)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
    }

    [GeneratedRegex(@"Now listening on: https://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
