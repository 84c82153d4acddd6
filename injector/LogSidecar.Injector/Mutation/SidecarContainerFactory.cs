using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Builds the sidecar container as raw JSON. The securityContext passes Pod Security <c>restricted</c>
/// whatever the pod asks for: non-root, read-only root filesystem, no privilege escalation, every
/// capability dropped, seccomp RuntimeDefault.
/// </summary>
internal static class SidecarContainerFactory
{
    public const int NonRootUser = 65532;

    public static JsonObject Create(SidecarSpec spec)
    {
        var mounts = new JsonArray(new JsonObject { ["name"] = spec.VolumeName, ["mountPath"] = spec.MountPath });
        if (spec.CredentialsVolume is { } credentials)
        {
            mounts.Add(new JsonObject { ["name"] = credentials, ["mountPath"] = SidecarNames.CredentialsMountPath, ["readOnly"] = true });
        }

        var container = new JsonObject
        {
            ["name"] = spec.Name,
            ["image"] = spec.Image,
            ["imagePullPolicy"] = spec.ImagePullPolicy,
        };
        if (spec.Native)
        {
            // A native sidecar: starts before the app containers, runs until they exit, lets Jobs complete.
            container["restartPolicy"] = "Always";
        }

        container["env"] = new JsonArray(
            new JsonObject { ["name"] = SidecarNames.ConfigVariable, ["value"] = spec.ConfigJson },
            FieldRef("POD_NAME", "metadata.name"),
            FieldRef("POD_NAMESPACE", "metadata.namespace"),
            FieldRef("POD_UID", "metadata.uid"),
            FieldRef("NODE_NAME", "spec.nodeName"),
            new JsonObject { ["name"] = "CONTAINER_NAME", ["value"] = spec.Name });
        container["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = spec.Cpu, ["memory"] = spec.Memory },
            ["limits"] = new JsonObject { ["memory"] = spec.Memory },
        };
        container["securityContext"] = new JsonObject
        {
            ["runAsNonRoot"] = true,
            ["runAsUser"] = NonRootUser,
            ["runAsGroup"] = NonRootUser,
            ["readOnlyRootFilesystem"] = true,
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
            ["seccompProfile"] = new JsonObject { ["type"] = "RuntimeDefault" },
        };
        if (spec.Native)
        {
            // The app starts only once the sidecar answers /readyz (bound to 0.0.0.0 in the rendered config).
            container["startupProbe"] = new JsonObject
            {
                ["httpGet"] = new JsonObject { ["path"] = "/readyz", ["port"] = spec.MetricsPort },
                ["periodSeconds"] = 1,
                ["failureThreshold"] = 30,
            };
        }

        container["volumeMounts"] = mounts;
        container["terminationMessagePolicy"] = "FallbackToLogsOnError";
        return container;
    }

    private static JsonObject FieldRef(string name, string fieldPath) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = fieldPath } },
    };
}
