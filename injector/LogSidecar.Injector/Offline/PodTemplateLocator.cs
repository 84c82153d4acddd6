using System.Text.Json.Nodes;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Offline;

/// <summary>Finds the pod (or pod template) inside a manifest of a kind the injector handles.</summary>
internal static class PodTemplateLocator
{
    /// <summary>Kinds whose pod template is at <c>spec.template</c>.</summary>
    private static readonly string[] TemplateKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"];

    /// <summary>The pod-shaped object (metadata + spec) to inject, or null for other kinds.</summary>
    public static JsonObject? Find(JsonObject manifest)
    {
        var kind = JsonText.String(manifest["kind"]);
        return kind switch
        {
            "Pod" => manifest,
            "CronJob" => manifest["spec"]?["jobTemplate"]?["spec"]?["template"] as JsonObject,
            _ when TemplateKinds.Contains(kind, StringComparer.Ordinal) => manifest["spec"]?["template"] as JsonObject,
            _ => null,
        };
    }
}
