using System.Text.Json;
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

    // The parts that are the same in every pod, parsed once. Each pod gets its own JsonObject over the shared,
    // immutable JsonElement (JsonObject.Create is lazy: it allocates a wrapper and writes the element as it is),
    // instead of a tree of a dozen nodes per part built for every admission request.
    private static readonly JsonElement SecurityContext = Element($$$"""
        {"runAsNonRoot":true,"runAsUser":{{{NonRootUser}}},"runAsGroup":{{{NonRootUser}}},"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"RuntimeDefault"}}
        """);

    private static readonly JsonElement[] DownwardApiVariables =
    [
        FieldRef("POD_NAME", "metadata.name"),
        FieldRef("POD_NAMESPACE", "metadata.namespace"),
        FieldRef("POD_UID", "metadata.uid"),
        FieldRef("NODE_NAME", "spec.nodeName"),
    ];

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

        var env = new JsonArray(new JsonObject { ["name"] = SidecarNames.ConfigVariable, ["value"] = spec.ConfigJson });
        foreach (var variable in DownwardApiVariables)
        {
            env.Add(JsonObject.Create(variable));
        }

        env.Add(new JsonObject { ["name"] = "CONTAINER_NAME", ["value"] = spec.Name });
        container["env"] = env;
        container["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = spec.Cpu, ["memory"] = spec.Memory },
            ["limits"] = new JsonObject { ["memory"] = spec.Memory },
        };
        container["securityContext"] = JsonObject.Create(SecurityContext);
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

    private static JsonElement FieldRef(string name, string fieldPath) =>
        Element(new JsonObject { ["name"] = name, ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = fieldPath } } }.ToJsonString());

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
