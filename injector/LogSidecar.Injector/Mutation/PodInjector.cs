using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Hosting;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// The one code path shared by the webhook and the offline command: decides whether a pod gets the
/// sidecar and builds the add-only JSON Patch from the pod's raw JSON. The typed <see cref="V1Pod"/>
/// is only read, never serialized back.
/// </summary>
internal sealed class PodInjector
{
    /// <summary>Injector version written into the status annotation.</summary>
    public static readonly string Version =
        typeof(PodInjector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private readonly InjectorOptions _options;
    private readonly AnnotationDefaults _defaults;
    private readonly bool _nativeByDefault;

    public PodInjector(InjectorOptions options, bool nativeByDefault)
    {
        _options = options;
        _defaults = options.ToAnnotationDefaults();
        _nativeByDefault = nativeByDefault;
    }

    public InjectionOutcome Inject(JsonObject pod, InjectionRequest request)
    {
        V1Pod typed;
        try
        {
            typed = KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());
        }
        catch (JsonException e)
        {
            // The API server accepted this pod, so our model is what falls short: admit it unchanged and say why.
            return InjectionOutcome.Skipped(SkipReason.CannotHandle, [$"logsidecar: the injector cannot read this pod ({e.Message}); it was admitted without the sidecar"]);
        }

        var warnings = new List<string>();
        var annotations = typed.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null;
        var labels = typed.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : null;

        if (request.Namespace is { } ns
            && (_options.ExcludedNamespaces.Contains(ns, StringComparer.Ordinal) || string.Equals(ns, _options.InjectorNamespace, StringComparison.Ordinal)))
        {
            return InjectionOutcome.Skipped(SkipReason.ExcludedNamespace, warnings);
        }

        if (IsInjected(typed))
        {
            return InjectionOutcome.Skipped(SkipReason.AlreadyInjected, warnings);
        }

        var flag = InjectFlag.Read(labels, annotations, warnings);
        if (flag == false)
        {
            return InjectionOutcome.Skipped(SkipReason.OptedOut, warnings);
        }

        if (request.Mode == EnablementMode.OptIn && flag != true)
        {
            return InjectionOutcome.Skipped(SkipReason.NotOptedIn, warnings);
        }

        if (typed.Spec?.Containers is not { Count: > 0 } containers || pod["spec"] is not JsonObject spec || spec["containers"] is not JsonArray rawContainers)
        {
            warnings.Add("logsidecar: the pod has no containers; it was admitted without the sidecar");
            return InjectionOutcome.Skipped(SkipReason.CannotHandle, warnings);
        }

        var parsed = PodAnnotationParser.Parse(annotations, labels, _defaults);
        warnings.AddRange(parsed.Warnings);
        var denials = new List<string>(parsed.Denials);
        var settings = parsed.Settings;

        var selected = SelectContainers(containers, settings?.Containers, warnings, denials);
        if (settings is not null)
        {
            foreach (var index in selected)
            {
                var container = containers[index];
                if (container.VolumeMounts?.FirstOrDefault(m => PathRules.Normalize(m.MountPath ?? "") == settings.MountPath) is { } used)
                {
                    denials.Add($"{AnnotationKeys.MountPath}: container '{container.Name}' already mounts volume '{used.Name}' at {settings.MountPath}; set {AnnotationKeys.MountPath} to a free directory or leave that container out with {AnnotationKeys.Containers}");
                }
            }
        }

        if (denials.Count > 0 || settings is null)
        {
            return new InjectionOutcome { Kind = OutcomeKind.Denied, Warnings = warnings, Message = "logsidecar: " + string.Join("; ", denials) };
        }

        return Build(pod, spec, rawContainers, typed, settings, parsed, selected, warnings);
    }

    private InjectionOutcome Build(JsonObject pod, JsonObject spec, JsonArray rawContainers, V1Pod typed, InjectionSettings settings, AnnotationParseResult parsed, List<int> selected, List<string> warnings)
    {
        var podSpec = typed.Spec!;
        var containerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in podSpec.Containers.Select(c => c.Name)
            .Concat(podSpec.InitContainers?.Select(c => c.Name) ?? [])
            .Concat(podSpec.EphemeralContainers?.Select(c => c.Name) ?? []))
        {
            if (name is not null)
            {
                containerNames.Add(name);
            }
        }

        var volumeNames = new HashSet<string>(podSpec.Volumes?.Select(v => v.Name).OfType<string>() ?? [], StringComparer.Ordinal);
        var containerName = SidecarNames.Unique(SidecarNames.Container, containerNames);
        if (containerName != SidecarNames.Container)
        {
            warnings.Add($"logsidecar: the pod already has a container named {SidecarNames.Container}; the sidecar is named {containerName}");
        }

        var volumeName = SidecarNames.Unique(SidecarNames.Volume, volumeNames);
        volumeNames.Add(volumeName);
        var credentialsVolume = settings.Secret is null ? null : SidecarNames.Unique(SidecarNames.CredentialsVolume, volumeNames);

        var native = settings.Native ?? _nativeByDefault;
        if (!native && podSpec.RestartPolicy is "Never" or "OnFailure")
        {
            warnings.Add($"logsidecar: restartPolicy {podSpec.RestartPolicy} with a classic sidecar container: the pod will not complete while the sidecar runs; use a native sidecar ({AnnotationKeys.Native}: \"true\", Kubernetes 1.29+)");
        }

        var config = settings.Config with { Metrics = new MetricsConfig { Address = "0.0.0.0" } };
        var sidecar = SidecarContainerFactory.Create(new SidecarSpec
        {
            Name = containerName,
            Image = settings.Image ?? _options.Image,
            ImagePullPolicy = _options.ImagePullPolicy,
            ConfigJson = ConfigRenderer.Render(config),
            VolumeName = volumeName,
            MountPath = settings.MountPath,
            Cpu = settings.Cpu,
            Memory = settings.Memory,
            Native = native,
            MetricsPort = config.Metrics.Port,
            CredentialsVolume = credentialsVolume,
        });

        var status = new InjectionStatus
        {
            Version = Version,
            Container = containerName,
            Volume = volumeName,
            Native = native,
            MountPath = settings.MountPath,
            Containers = [.. selected.Select(i => podSpec.Containers[i].Name)],
            Applied = parsed.Applied,
            Ignored = parsed.Ignored,
        };
        var statusJson = JsonSerializer.Serialize(status, StatusJsonContext.Default.InjectionStatus);

        var patch = new PatchBuilder();
        if (pod["metadata"] is JsonObject metadata)
        {
            patch.AddToMap(metadata, ["metadata"], "annotations", AnnotationKeys.Status, statusJson);
        }
        else
        {
            patch.Add(JsonPointer.Of("metadata"), new JsonObject { ["annotations"] = new JsonObject { [AnnotationKeys.Status] = statusJson } });
        }

        patch.AppendToArray(spec, ["spec"], "volumes", new JsonObject
        {
            ["name"] = volumeName,
            ["emptyDir"] = new JsonObject { ["sizeLimit"] = _options.VolumeSizeLimit },
        });
        if (credentialsVolume is not null)
        {
            patch.AppendToArray(spec, ["spec"], "volumes", new JsonObject
            {
                ["name"] = credentialsVolume,
                ["secret"] = new JsonObject { ["secretName"] = settings.Secret },
            });
        }

        foreach (var index in selected)
        {
            if (rawContainers[index] is JsonObject container)
            {
                patch.AppendToArray(container, ["spec", "containers", index.ToString(System.Globalization.CultureInfo.InvariantCulture)], "volumeMounts", new JsonObject
                {
                    ["name"] = volumeName,
                    ["mountPath"] = settings.MountPath,
                });
            }
        }

        patch.AppendToArray(spec, ["spec"], native ? "initContainers" : "containers", sidecar);
        return new InjectionOutcome { Kind = OutcomeKind.Injected, Patch = patch.Operations, Warnings = warnings };
    }

    /// <summary>The status annotation, or a container that already carries the sidecar's configuration.</summary>
    private static bool IsInjected(V1Pod pod)
    {
        if (pod.Metadata?.Annotations?.ContainsKey(AnnotationKeys.Status) == true)
        {
            return true;
        }

        var all = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []);
        return all.Any(c => c.Env?.Any(e => e.Name == SidecarNames.ConfigVariable) == true);
    }

    private static List<int> SelectContainers(IList<V1Container> containers, IReadOnlyList<string>? wanted, List<string> warnings, List<string> denials)
    {
        if (wanted is null)
        {
            return [.. Enumerable.Range(0, containers.Count)];
        }

        var selected = new List<int>();
        foreach (var name in wanted)
        {
            var index = containers.ToList().FindIndex(c => c.Name == name);
            if (index < 0)
            {
                warnings.Add($"{AnnotationKeys.Containers}: the pod has no app container '{name}'; it was ignored");
            }
            else
            {
                selected.Add(index);
            }
        }

        if (selected.Count == 0)
        {
            denials.Add($"{AnnotationKeys.Containers}: none of '{string.Join(", ", wanted)}' is an app container of this pod; name one of: {string.Join(", ", containers.Select(c => c.Name))}");
        }

        selected.Sort();
        return selected;
    }
}
