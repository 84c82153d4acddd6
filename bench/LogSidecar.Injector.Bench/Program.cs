// Admission latency over HTTPS keep-alive on loopback at fixed rates, against the injecting endpoint
// and a no-op endpoint on the same server (the floor). Usage: [seconds per run, default 5]
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Bench;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var directory = Directory.CreateTempSubdirectory("logsidecar-injector-bench-");
try
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest("CN=logsidecar-injector-bench", key, HashAlgorithmName.SHA256);
    var names = new SubjectAlternativeNameBuilder();
    names.AddIpAddress(IPAddress.Loopback);
    request.CertificateExtensions.Add(names.Build());
    using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    var certFile = Path.Combine(directory.FullName, "tls.crt");
    var keyFile = Path.Combine(directory.FullName, "tls.key");
    await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
    await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());

    var options = new InjectorOptions { ListenAddress = "127.0.0.1", Port = 0, TlsCertFile = certFile, TlsKeyFile = keyFile, Native = NativeModes.Always };
    using var certificates = new CertificateStore(certFile, keyFile, NullLogger.Instance);
    if (!certificates.TryLoadNow(out var error))
    {
        throw new InvalidOperationException(error);
    }

    await using var app = WebhookServer.Build(options, new PodInjector(options, nativeByDefault: true), certificates, logging => logging.ClearProviders());
    app.MapPost("/noop", () => Results.Text("{}", "application/json"));
    await app.StartAsync();

    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 32, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
    var thumbprint = certificate.GetCertHashString();
    handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint;
    using var client = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.Single()) };
    var review = FixedRateLoad.Utf8(RealisticReview().ToJsonString());

    Console.WriteLine("allocations per request (in process, no sockets):");
    foreach (var line in AllocationProfile.Run(options, new PodInjector(options, nativeByDefault: true), review, RealisticReview()["request"]!["object"]!.AsObject()))
    {
        Console.WriteLine($"  {line}");
    }

    await FixedRateLoad.RunAsync(client, WebhookServer.NamespaceEnabledPath, review, 500, TimeSpan.FromSeconds(2), CancellationToken.None); // warm-up: JIT, connections
    Console.WriteLine($"logsidecar-injector admission latency, HTTPS keep-alive on 127.0.0.1, {seconds} s per run, {Environment.ProcessorCount} cores");
    foreach (var rate in new[] { 500, 2000 })
    {
        Console.WriteLine(await FixedRateLoad.RunAsync(client, "/noop", review, rate, TimeSpan.FromSeconds(seconds), CancellationToken.None));
        Console.WriteLine(await FixedRateLoad.RunAsync(client, WebhookServer.NamespaceEnabledPath, review, rate, TimeSpan.FromSeconds(seconds), CancellationToken.None));
    }

    await app.StopAsync();
}
finally
{
    directory.Delete(recursive: true);
}

// A pod as a Deployment's ReplicaSet controller creates it: labels, annotations, two containers, probes, volumes.
static JsonObject RealisticReview()
{
    var pod = JsonNode.Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"shop-web-7d9f8c6b5-","namespace":"shop",
        "labels":{"app":"web","pod-template-hash":"7d9f8c6b5","app.kubernetes.io/part-of":"shop"},
        "annotations":{"logsidecar.io/paths":"access.log,error.log","logsidecar.io/cpu":"100m","prometheus.io/scrape":"true"},
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"shop-web-7d9f8c6b5","uid":"6f0c5a52-4f4e-4b8e-9d8a-2b7f5c1e0a11","controller":true,"blockOwnerDeletion":true}]},
        "spec":{"serviceAccountName":"shop-web","terminationGracePeriodSeconds":30,
        "containers":[{"name":"web","image":"registry.example/shop/web:4.2.1","ports":[{"containerPort":8080,"name":"http"}],
        "env":[{"name":"ASPNETCORE_URLS","value":"http://+:8080"},{"name":"LOG_DIR","value":"/var/log/app"}],
        "resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"memory":"512Mi"}},
        "readinessProbe":{"httpGet":{"path":"/health","port":"http"},"periodSeconds":5},
        "volumeMounts":[{"name":"config","mountPath":"/app/config","readOnly":true}]},
        {"name":"proxy","image":"registry.example/envoy:1.30.2","ports":[{"containerPort":9901}]}],
        "volumes":[{"name":"config","configMap":{"name":"shop-web-config"}}]}}
        """)!.AsObject();
    return new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "c0ffee00-0000-4000-8000-000000000001",
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["namespace"] = "shop",
            ["operation"] = "CREATE",
            ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:replicaset-controller" },
            ["object"] = pod,
            ["dryRun"] = false,
        },
    };
}
