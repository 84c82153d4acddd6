using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>The two programs Prometheus watches, as real child processes: the sidecar shipping a log file, and the injector's webhook.</summary>
internal static partial class MonitoredPrograms
{
    public const string PodNamespace = "shop";
    public const string PodName = "web-7d9f";

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

    /// <summary>Starts <c>logsidecar-injector serve</c> on a port it picks, with the test CA's server certificate; returns it once it listens.</summary>
    public static async Task<(ChildProcess Process, int Port)> StartInjectorAsync(TempDirectory directory, TestCertificates certificates)
    {
        await File.WriteAllTextAsync(directory.File("tls.crt"), certificates.Server.ExportCertificatePem());
        using (var key = certificates.Server.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(directory.File("tls.key"), key.ExportPkcs8PrivateKeyPem());
        }

        await File.WriteAllTextAsync(directory.File("injector.json"), """{"native": "always"}""");
        var process = ChildProcess.Start(
            "logsidecar-injector.dll",
            ["serve", "--config", directory.File("injector.json"), "--listen", "127.0.0.1:0", "--tls-cert", directory.File("tls.crt"), "--tls-key", directory.File("tls.key")]);

        // The port it picked, from ASP.NET Core's "Now listening on" line.
        await process.WaitUntilAsync(lines => lines.Any(line => Listening().IsMatch(line)), "the injector to listen");
        var port = int.Parse(process.Lines.Select(line => Listening().Match(line)).First(match => match.Success).Groups[1].Value, CultureInfo.InvariantCulture);
        return (process, port);
    }

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
