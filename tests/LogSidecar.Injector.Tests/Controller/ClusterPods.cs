using System.Text.Json.Nodes;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Controller;

/// <summary>Pods and workloads as the API server stores them, for the controller tests.</summary>
internal static class ClusterPods
{
    /// <summary>A running pod labelled to opt in, owned by <paramref name="owner"/> (kind, name) when given; no sidecar.</summary>
    public static JsonObject OptedIn(string ns, string name, (string Kind, string Name)? owner = null)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["labels"] = new JsonObject { ["logsidecar.io/inject"] = "true", ["app"] = "web" },
        };
        if (owner is { } o)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = o.Kind, ["name"] = o.Name, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true });
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "web",
                    ["image"] = "registry.example/web:1",
                    ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "kube-api-access-x1", ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount", ["readOnly"] = true }),
                }),
                ["volumes"] = new JsonArray(new JsonObject { ["name"] = "kube-api-access-x1", ["projected"] = new JsonObject() }),
            },
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    /// <summary>The pod as the webhook with <paramref name="options"/> would have let it in.</summary>
    public static JsonObject Injected(JsonObject pod, InjectorOptions options, LogSidecar.Injector.Annotations.NamespaceDefaults? defaults = null)
    {
        var outcome = new PodInjector(options, nativeByDefault: true).Inject(pod, new InjectionRequest((string?)pod["metadata"]!["namespace"], EnablementMode.OptIn, defaults));
        Assert.Equal(OutcomeKind.Injected, outcome.Kind);
        return IndependentJsonPatch.Apply(pod, outcome.Patch.ToJsonString());
    }

    public static JsonObject Deployment(string ns, string name) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } } } },
    };

    public static JsonObject ReplicaSet(string ns, string name, string deployment) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "ReplicaSet",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = deployment, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true }),
        },
    };

    /// <summary>The EndpointSlice the webhook Service gets for its one injector replica: Ready, not Ready (false) or without the condition (null).</summary>
    public static void WebhookEndpoint(LoopbackKubernetesApi api, bool? ready) =>
        api.PutEndpointSlice("logsidecar-system", "logsidecar-injector-x7k2p", "logsidecar-injector", ("logsidecar-injector-5c9d7-1", ready, false));

    /// <summary>A pod of the rollout a restart started: it carries the restarted-at annotation of the workload's template.</summary>
    public static JsonObject Replacement(LoopbackKubernetesApi api, string ns, string name, string replicaSet, string deployment)
    {
        var pod = OptedIn(ns, name, ("ReplicaSet", replicaSet));
        pod["metadata"]!["annotations"] = new JsonObject { ["logsidecar.io/restarted-at"] = RestartedAt(api, "deployments", ns, deployment) };
        return pod;
    }

    /// <summary>The restarted-at annotation of a workload's pod template, or null.</summary>
    public static string? RestartedAt(LoopbackKubernetesApi api, string resource, string ns, string name) =>
        (string?)api.Find(resource, ns, name)?["spec"]?["template"]?["metadata"]?["annotations"]?["logsidecar.io/restarted-at"];

    /// <summary>Events on an object, by reason.</summary>
    public static List<JsonObject> Events(LoopbackKubernetesApi api, string ns, string about, string? reason = null) =>
        [.. api.List("events", ns).Where(e => (string?)e["involvedObject"]!["name"] == about && (reason is null || (string?)e["reason"] == reason))];
}
