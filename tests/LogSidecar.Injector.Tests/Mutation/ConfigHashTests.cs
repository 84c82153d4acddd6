using System.Text.Json.Nodes;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Mutation;

/// <summary>The status annotation's configHash: stable for the same render, different for any other.</summary>
public sealed class ConfigHashTests
{
    private static JsonObject Pod(string? cpu = null)
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "web", ["annotations"] = new JsonObject { ["logsidecar.io/paths"] = "access.log" } },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
        };
        if (cpu is not null)
        {
            pod["metadata"]!["annotations"]!["logsidecar.io/cpu"] = cpu;
        }

        return pod;
    }

    private static string Hash(JsonObject pod, Action<InjectorOptions>? configure = null, bool native = true)
    {
        var options = TestOptions.Create();
        configure?.Invoke(options);
        var outcome = new PodInjector(options, native).Inject(pod, new InjectionRequest("shop", EnablementMode.NamespaceEnabled));
        Assert.Equal(OutcomeKind.Injected, outcome.Kind);
        var status = JsonNode.Parse((string)outcome.Patch[0]!["value"]!)!;
        return (string)status["configHash"]!;
    }

    [Fact]
    public void TheSamePodUnderTheSameConfigurationHashesTheSame()
    {
        var hash = Hash(Pod());

        Assert.Matches("^sha256:[0-9a-f]{32}$", hash);
        Assert.Equal(hash, Hash(Pod()));
    }

    [Fact]
    public void ConfigurationThatDoesNotChangeTheRenderDoesNotChangeTheHash()
    {
        Assert.Equal(Hash(Pod()), Hash(Pod(), options =>
        {
            options.MaxConnections = 1000;
            options.MaxQueuedReviews = 10;
            options.ExcludedNamespaces = ["kube-system"];
        }));
    }

    [Fact]
    public void WhetherTheArraysItAddsToWereThereBeforeDoesNotChangeTheHash()
    {
        // The patch differs (it creates initContainers and volumes here, appends to them there); what it adds does not.
        var crowded = Pod();
        crowded["spec"]!["initContainers"] = new JsonArray(new JsonObject { ["name"] = "migrate", ["image"] = "registry.example/migrate:1" });
        crowded["spec"]!["volumes"] = new JsonArray(new JsonObject { ["name"] = "cache", ["emptyDir"] = new JsonObject() });

        Assert.Equal(Hash(Pod()), Hash(crowded));
    }

    [Fact]
    public void ChangingWhatIsRenderedChangesTheHash()
    {
        var hashes = new[]
        {
            Hash(Pod()),
            Hash(Pod(), options => options.Image = "registry.example/logsidecar:0.2.0"),
            Hash(Pod(), options => options.Memory = "96Mi"),
            Hash(Pod(), options => options.VolumeSizeLimit = "1Gi"),
            Hash(Pod(), native: false),
            Hash(Pod(cpu: "100m")),
        };

        Assert.Equal(hashes.Length, hashes.Distinct(StringComparer.Ordinal).Count());
    }
}
