using System.Text.Json.Nodes;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// The pod as the webhook saw it before injecting it, rebuilt from the running pod and its status annotation: the
/// status, the sidecar container, the volumes only the sidecar mounts and the log volume's mounts in the app
/// containers are taken out again, and arrays the injection created and left empty are removed. App containers that a
/// later webhook added are taken out too (without <c>logsidecar.io/containers</c> every app container present got the
/// mount, so one that has not came later). Injecting the result again yields the configHash the injector would record
/// now, which a pod that has not drifted still carries, whatever other webhooks added after us (see <see cref="ConfigHash"/>).
/// </summary>
internal static class InjectedPod
{
    public static JsonObject Strip(JsonObject pod, InjectionStatus status)
    {
        var copy = pod.DeepClone().AsObject();
        (copy["metadata"]?["annotations"] as JsonObject)?.Remove(AnnotationKeys.Status);
        if (copy["spec"] is not JsonObject spec)
        {
            return copy;
        }

        var sidecarVolumes = new HashSet<string>(StringComparer.Ordinal) { status.Volume };
        foreach (var list in new[] { "initContainers", "containers" })
        {
            if (spec[list] is not JsonArray containers)
            {
                continue;
            }

            for (var i = containers.Count - 1; i >= 0; i--)
            {
                if (containers[i] is JsonObject container && JsonText.String(container["name"]) == status.Container)
                {
                    foreach (var mount in (container["volumeMounts"] as JsonArray) ?? [])
                    {
                        if (JsonText.String(mount?["name"]) is { } name && name.StartsWith(SidecarNames.Container, StringComparison.Ordinal))
                        {
                            sidecarVolumes.Add(name);
                        }
                    }

                    containers.RemoveAt(i);
                }
            }

            RemoveIfEmpty(spec, list);
        }

        // Without logsidecar.io/containers every app container got the mount, so one without it in the status came
        // later, from another webhook (a proxy, an agent): it was not there to be rendered for, and is not now.
        if (!status.Applied.Contains(AnnotationKeys.Containers, StringComparer.Ordinal) && spec["containers"] is JsonArray apps)
        {
            RemoveWhere(apps, c => JsonText.String(c?["name"]) is not { } name || !status.Containers.Contains(name, StringComparer.Ordinal));
        }

        foreach (var container in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (container["volumeMounts"] is JsonArray mounts)
            {
                RemoveWhere(mounts, m => JsonText.String(m?["name"]) == status.Volume);
                RemoveIfEmpty(container, "volumeMounts");
            }
        }

        if (spec["volumes"] is JsonArray volumes)
        {
            RemoveWhere(volumes, v => JsonText.String(v?["name"]) is { } name && sidecarVolumes.Contains(name));
            RemoveIfEmpty(spec, "volumes");
        }

        return copy;
    }

    private static void RemoveWhere(JsonArray array, Func<JsonNode?, bool> drop)
    {
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (drop(array[i]))
            {
                array.RemoveAt(i);
            }
        }
    }

    /// <summary>The API server omits empty lists, so an empty one here is one the injection created.</summary>
    private static void RemoveIfEmpty(JsonObject parent, string key)
    {
        if (parent[key] is JsonArray { Count: 0 })
        {
            parent.Remove(key);
        }
    }
}
