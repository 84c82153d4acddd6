using System.Text.Json.Nodes;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Tests.Certificates;

/// <summary>A loopback API server with the webhook configuration of the self-signed overlay, and a way to make replicas.</summary>
public sealed class SelfSignedSetup : IAsyncDisposable
{
    public const string Namespace = "logsidecar-system";
    public const string SecretName = "logsidecar-injector-tls";
    public const string ConfigurationName = "logsidecar-injector";

    private readonly List<IDisposable> _owned = [];

    public LoopbackKubernetesApi Api { get; } = new();

    public static async Task<SelfSignedSetup> StartAsync()
    {
        var setup = new SelfSignedSetup();
        await setup.Api.StartAsync(TestContext.Current.CancellationToken);
        setup.Api.Seed("mutatingwebhookconfigurations", null, new JsonObject
        {
            ["apiVersion"] = "admissionregistration.k8s.io/v1",
            ["kind"] = "MutatingWebhookConfiguration",
            ["metadata"] = new JsonObject { ["name"] = ConfigurationName },
            ["webhooks"] = new JsonArray(Webhook("namespace.injector.logsidecar.io", "/inject/namespace-enabled", "c3RhbGU="), Webhook("pod.injector.logsidecar.io", "/inject/opt-in", null)),
        });
        return setup;
    }

    /// <summary>Options of one replica, with its own folder for the certificate files (its emptyDir).</summary>
    internal InjectorOptions Replica()
    {
        var folder = new TempDirectory();
        _owned.Add(folder);
        return new InjectorOptions
        {
            InjectorNamespace = Namespace,
            TlsCertFile = folder.File("tls.crt"),
            TlsKeyFile = folder.File("tls.key"),
            SelfSigned = new SelfSignedOptions { Enabled = true },
        };
    }

    internal SelfSignedCertificates Certificates(InjectorOptions options, TimeProvider time)
    {
        var client = Api.CreateClient();
        _owned.Add(client);
        return new SelfSignedCertificates(options, client, time, NullLogger.Instance);
    }

    /// <summary>The Secret's data decoded, or null when it does not exist.</summary>
    internal TlsMaterial? StoredMaterial()
    {
        if (Api.Find("secrets", Namespace, SecretName)?["data"] is not JsonObject data)
        {
            return null;
        }

        return TlsMaterial.FromSecretData(data.ToDictionary(p => p.Key, p => Convert.FromBase64String((string)p.Value!)));
    }

    /// <summary>The decoded caBundle of every webhook.</summary>
    public IReadOnlyList<string?> CaBundles() =>
        [.. Api.Find("mutatingwebhookconfigurations", null, ConfigurationName)!["webhooks"]!.AsArray()
            .Select(w => w!["clientConfig"]!["caBundle"] is { } b ? System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)b!)) : null)];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Api.DisposeAsync();
    }

    private static JsonObject Webhook(string name, string path, string? caBundle)
    {
        var clientConfig = new JsonObject { ["service"] = new JsonObject { ["name"] = "logsidecar-injector", ["namespace"] = Namespace, ["path"] = path, ["port"] = 443 } };
        if (caBundle is not null)
        {
            clientConfig["caBundle"] = caBundle;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["admissionReviewVersions"] = new JsonArray("v1"),
            ["sideEffects"] = "None",
            ["failurePolicy"] = "Ignore",
            ["clientConfig"] = clientConfig,
            ["rules"] = new JsonArray(new JsonObject { ["apiGroups"] = new JsonArray(""), ["apiVersions"] = new JsonArray("v1"), ["operations"] = new JsonArray("CREATE"), ["resources"] = new JsonArray("pods") }),
        };
    }
}
