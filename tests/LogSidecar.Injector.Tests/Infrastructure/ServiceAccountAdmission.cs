using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// A stand-in for the token part of kube-apiserver's built-in ServiceAccount admission plugin
/// (plugin/pkg/admission/serviceaccount, mountServiceAccountToken), which runs again after a webhook changed
/// a pod: unless the pod sets automountServiceAccountToken false, every init container and container that has
/// no volume mount at the token path gets a read-only mount of the pod's projected token volume
/// (kube-api-access-*), and that volume is added when the pod has none yet.
/// </summary>
public static class ServiceAccountAdmission
{
    public const string TokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    private const string VolumePrefix = "kube-api-access-";

    public static void Apply(JsonObject pod)
    {
        var spec = pod["spec"]!.AsObject();
        if ((bool?)spec["automountServiceAccountToken"] == false)
        {
            return;
        }

        var volumes = spec["volumes"] as JsonArray ?? [];
        spec["volumes"] = volumes;
        var existing = volumes.Select(v => (string?)v?["name"]).FirstOrDefault(name => name?.StartsWith(VolumePrefix, StringComparison.Ordinal) == true);
        var volumeName = existing ?? VolumePrefix + "x7k2p";
        var needsVolume = false;
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in spec[list]?.AsArray() ?? [])
            {
                var mounts = container!["volumeMounts"] as JsonArray ?? [];
                container["volumeMounts"] = mounts;
                if (!mounts.Any(m => (string?)m?["mountPath"] == TokenPath))
                {
                    mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = TokenPath });
                    needsVolume = true;
                }
            }
        }

        if (existing is null && needsVolume)
        {
            volumes.Add(new JsonObject
            {
                ["name"] = volumeName,
                ["projected"] = new JsonObject
                {
                    ["sources"] = new JsonArray(
                        new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                        new JsonObject { ["configMap"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }) } },
                        new JsonObject { ["downwardAPI"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["path"] = "namespace", ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" } }) } }),
                },
            });
        }
    }

    /// <summary>The names of the projected token volumes <paramref name="container"/> mounts.</summary>
    public static IEnumerable<string> TokenVolumesOf(JsonObject pod, JsonNode container)
    {
        var projected = (pod["spec"]?["volumes"]?.AsArray() ?? []).Where(v => v?["projected"] is not null).Select(v => (string)v!["name"]!).ToHashSet();
        return (container["volumeMounts"]?.AsArray() ?? []).Select(m => (string)m!["name"]!).Where(projected.Contains);
    }
}
