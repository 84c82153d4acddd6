using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Annotations;

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

        // The sidecar needs no Kubernetes API access. Built-in admission runs again after a webhook changed the pod and
        // would mount the service-account token into every container without a mount at its path: this one has one.
        mounts.Add(new JsonObject { ["name"] = spec.TokenShadowVolume, ["mountPath"] = SidecarNames.ServiceAccountTokenPath, ["readOnly"] = true });

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

        if (spec.AppContainer is { } app)
        {
            // Whose logs these are: the records name the app container, not the sidecar.
            env.Add(new JsonObject { ["name"] = "CONTAINER_NAME", ["value"] = app });
        }

        container["env"] = env;
        var port = new JsonObject();
        if (spec.MetricsPortName is { } portName)
        {
            port["name"] = portName;
        }

        port["containerPort"] = spec.MetricsPort;
        if (spec.HostNetwork)
        {
            port["hostPort"] = spec.MetricsPort;
        }

        port["protocol"] = "TCP";
        container["ports"] = new JsonArray(port);
        container["resources"] = new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = spec.Cpu, ["memory"] = spec.Memory },
            ["limits"] = new JsonObject { ["memory"] = spec.Memory },
        };
        container["securityContext"] = JsonObject.Create(SecurityContext);
        if (spec.Native)
        {
            // The app starts only once the sidecar answers /readyz. The kubelet probes the pod IP; on a hostNetwork pod
            // bound to loopback it probes 127.0.0.1 instead, which is the pod's loopback there (the kubelet runs in the
            // host network namespace, which such a pod shares).
            var probe = new JsonObject { ["path"] = "/readyz", ["port"] = spec.MetricsPort };
            if (SidecarPorts.IsLoopback(spec.MetricsAddress))
            {
                probe["host"] = spec.MetricsAddress;
            }

            container["startupProbe"] = new JsonObject
            {
                ["httpGet"] = probe,
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
