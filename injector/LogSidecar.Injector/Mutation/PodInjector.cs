using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Text;

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

    /// <summary>The keys the injector's configuration gives a value for: listed as <c>default</c> in the status when neither the pod nor its namespace set them.</summary>
    private static readonly string[] ConfiguredKeys = [AnnotationKeys.MountPath, AnnotationKeys.Cpu, AnnotationKeys.Memory, AnnotationKeys.Native, AnnotationKeys.Image];

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
            // From the node itself, not from its text: a review's pod is parsed once, without a UTF-16 copy of it.
            typed = KubernetesJson.Deserialize<V1Pod>(pod);
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

        if (IsWindows(typed.Spec))
        {
            return SkipWindows(pod, warnings);
        }

        if (request.DefaultsUnavailable is { } unavailable)
        {
            warnings.Add(ValueText.Message($"logsidecar: the injector could not read namespace {request.Namespace} ({unavailable}), so its {AnnotationKeys.Prefix} annotations were not used: this pod's values come from its own annotations and the injector's configuration"));
        }

        var parsed = PodAnnotationParser.Parse(annotations, labels, _defaults, request.Defaults);
        warnings.AddRange(parsed.Warnings);
        var denials = new List<string>(parsed.Denials);
        var settings = parsed.Settings;

        var selected = SelectContainers(containers, settings?.Containers, warnings, denials);
        SidecarEndpoint? endpoint = null;
        if (settings is not null)
        {
            foreach (var index in selected)
            {
                var container = containers[index];
                if (container.VolumeMounts?.FirstOrDefault(m => PathRules.Normalize(m.MountPath ?? "") == settings.MountPath) is { } used)
                {
                    denials.Add($"{AnnotationKeys.MountPath}: container {ValueText.Quote(container.Name)} already mounts volume {ValueText.Quote(used.Name)} at {settings.MountPath}; set {AnnotationKeys.MountPath} to a free directory or leave that container out with {AnnotationKeys.Containers}");
                }
            }

            CheckStreamContainers(settings.Config, [.. selected.Select(i => containers[i].Name)], denials);
            endpoint = ChooseEndpoint(typed.Spec, settings, settings.Native ?? _nativeByDefault, warnings, denials);
        }

        if (denials.Count > 0 || settings is null || endpoint is null)
        {
            return new InjectionOutcome { Kind = OutcomeKind.Denied, Warnings = warnings, Message = "logsidecar: " + string.Join("; ", denials.Select(ValueText.Message)) };
        }

        return Build(pod, spec, rawContainers, typed, settings, parsed, selected, endpoint, warnings);
    }

    /// <summary>How the pod's annotations over its namespace's read, whatever the decision (for <c>inject --explain</c>).</summary>
    public AnnotationParseResult ReadValues(JsonObject pod, InjectionRequest request)
    {
        var metadata = pod["metadata"] as JsonObject;
        return PodAnnotationParser.Parse(Strings(metadata?["annotations"]), Strings(metadata?["labels"]), _defaults, request.Defaults);
    }

    /// <summary>The value a key takes when neither the pod nor its namespace sets it, as a person reads it.</summary>
    public string DefaultOf(string key) => key switch
    {
        AnnotationKeys.MountPath => PathRules.Normalize(_defaults.MountPath),
        AnnotationKeys.Cpu => _defaults.Cpu,
        AnnotationKeys.Memory => _defaults.Memory,
        AnnotationKeys.Native => _nativeByDefault ? "true" : "false",
        AnnotationKeys.Image => _options.Image,
        AnnotationKeys.Paths => PodAnnotationParser.DefaultGlob,
        AnnotationKeys.Containers => "every app container",
        AnnotationKeys.Format => RecordFormats.Plain,
        AnnotationKeys.Mode => AnnotationValues.DefaultMode,
        AnnotationKeys.MetricsPort => $"{SidecarPorts.DefaultPort} or the next port no container uses",
        AnnotationKeys.MetricsAddress => $"{SidecarPorts.AllAddresses} ({SidecarPorts.Loopback} on hostNetwork pods)",
        _ => "(none)",
    };

    private static Dictionary<string, string>? Strings(JsonNode? map) =>
        map is JsonObject entries
            ? entries.Where(e => JsonText.String(e.Value) is not null).ToDictionary(e => e.Key, e => JsonText.String(e.Value)!, StringComparer.Ordinal)
            : null;

    private InjectionOutcome Build(JsonObject pod, JsonObject spec, JsonArray rawContainers, V1Pod typed, InjectionSettings settings, AnnotationParseResult parsed, List<int> selected, SidecarEndpoint endpoint, List<string> warnings)
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
        var tokenShadowVolume = SidecarNames.Unique(SidecarNames.TokenShadowVolume, volumeNames);
        volumeNames.Add(tokenShadowVolume);
        var credentialsVolume = settings.Secret is null ? null : SidecarNames.Unique(SidecarNames.CredentialsVolume, volumeNames);

        var native = settings.Native ?? _nativeByDefault;
        if (!native && podSpec.RestartPolicy is "Never" or "OnFailure")
        {
            warnings.Add($"logsidecar: restartPolicy {podSpec.RestartPolicy} with a classic sidecar container: the pod will not complete while the sidecar runs; use a native sidecar ({AnnotationKeys.Native}: \"true\", Kubernetes 1.29+)");
        }

        var portName = SidecarPorts.PortName;
        if (PodPorts.Names(podSpec).Contains(portName))
        {
            warnings.Add($"logsidecar: a container of the pod already declares a port named {portName}; the sidecar's metrics port {endpoint.Port} is declared without a name");
            portName = null;
        }

        var hostNetwork = podSpec.HostNetwork == true;
        var config = settings.Config with { Metrics = new MetricsConfig { Address = endpoint.Address, Port = endpoint.Port } };
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
            MetricsPort = endpoint.Port,
            MetricsAddress = endpoint.Address,
            MetricsPortName = portName,
            HostNetwork = hostNetwork,
            TokenShadowVolume = tokenShadowVolume,
            AppContainer = selected.Count == 1 ? podSpec.Containers[selected[0]].Name : null,
            CredentialsVolume = credentialsVolume,
        });

        var patch = new PatchBuilder();

        // What is added, each item with where it goes by name: the hash of this, not of the patch, so that where the
        // arrays stood (an index, an array created or appended to) does not count, and a pod that another webhook
        // changed after us (a container put first, an init container or volume appended) renders the same again.
        var added = new JsonArray();
        void Append(JsonObject parent, string[] tokens, string array, JsonNode value, string target)
        {
            added.Add(new JsonObject { ["to"] = target, ["value"] = value.DeepClone() });
            patch.AppendToArray(parent, tokens, array, value);
        }

        Append(spec, ["spec"], "volumes", new JsonObject
        {
            ["name"] = volumeName,
            ["emptyDir"] = new JsonObject { ["sizeLimit"] = _options.VolumeSizeLimit },
        }, "volumes");
        Append(spec, ["spec"], "volumes", new JsonObject
        {
            ["name"] = tokenShadowVolume,
            ["emptyDir"] = new JsonObject(),
        }, "volumes");
        if (credentialsVolume is not null)
        {
            Append(spec, ["spec"], "volumes", new JsonObject
            {
                ["name"] = credentialsVolume,
                ["secret"] = new JsonObject { ["secretName"] = settings.Secret },
            }, "volumes");
        }

        foreach (var index in selected)
        {
            if (rawContainers[index] is JsonObject container)
            {
                Append(container, ["spec", "containers", index.ToString(System.Globalization.CultureInfo.InvariantCulture)], "volumeMounts", new JsonObject
                {
                    ["name"] = volumeName,
                    ["mountPath"] = settings.MountPath,
                }, $"containers[{podSpec.Containers[index].Name}].volumeMounts");
            }
        }

        var list = native ? "initContainers" : "containers";
        Append(spec, ["spec"], list, sidecar, list);

        var status = new InjectionStatus
        {
            Version = Version,
            ConfigHash = ConfigHash.Of(added),
            Container = containerName,
            Volume = volumeName,
            Native = native,
            MountPath = settings.MountPath,
            Containers = [.. selected.Select(i => podSpec.Containers[i].Name)],
            Applied = parsed.Applied,
            Ignored = parsed.Ignored,
            Sources = Sources(parsed),
            MetricsPort = endpoint.Port,
            MetricsAddress = endpoint.Address,
        };
        var statusJson = JsonSerializer.Serialize(status, StatusJsonContext.Default.InjectionStatus);

        // The status goes first, as before the hash existed; the hash covers everything after it.
        var head = new PatchBuilder();
        AddStatus(head, pod, statusJson);
        var statusOperation = head.Operations[0]!;
        head.Operations.RemoveAt(0);
        patch.Operations.Insert(0, statusOperation);
        return new InjectionOutcome { Kind = OutcomeKind.Injected, Patch = patch.Operations, Warnings = warnings, ConfigHash = status.ConfigHash };
    }

    private static Dictionary<string, string> Sources(AnnotationParseResult parsed)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in AnnotationKeys.PodAnnotations)
        {
            if (parsed.Applied.Contains(key, StringComparer.Ordinal) && parsed.Sources.TryGetValue(key, out var source))
            {
                sources[key] = EffectiveAnnotations.Name(source);
            }
            else if (ConfiguredKeys.Contains(key, StringComparer.Ordinal))
            {
                sources[key] = EffectiveAnnotations.Name(ValueSource.Default);
            }
        }

        return sources;
    }

    /// <summary>
    /// The sidecar's port (the annotation's, else the default or the next free one) and address (0.0.0.0, or
    /// 127.0.0.1 on hostNetwork pods, whose addresses are the node's, unless the annotation says otherwise).
    /// </summary>
    private static SidecarEndpoint? ChooseEndpoint(V1PodSpec spec, InjectionSettings settings, bool native, List<string> warnings, List<string> denials)
    {
        var taken = PodPorts.Taken(spec);
        int port;
        if (settings.MetricsPort is { } asked)
        {
            if (taken.TryGetValue(asked, out var user))
            {
                denials.Add($"{AnnotationKeys.MetricsPort}: port {asked} is taken: {user}; pick another port, or leave the annotation out and the injector picks a free one");
                return null;
            }

            port = asked;
        }
        else if (SidecarPorts.FirstFree(taken) is { } free)
        {
            port = free;
        }
        else
        {
            denials.Add($"{AnnotationKeys.MetricsPort}: every port from {SidecarPorts.MinPort} to {SidecarPorts.MaxPort} is declared by a container of the pod");
            return null;
        }

        var hostNetwork = spec.HostNetwork == true;
        var address = settings.MetricsAddress ?? (hostNetwork ? SidecarPorts.Loopback : SidecarPorts.AllAddresses);
        if (hostNetwork && settings.MetricsAddress is null)
        {
            warnings.Add($"logsidecar: the pod uses hostNetwork, so its addresses are the node's: the sidecar's /metrics (which lists file paths), /healthz and /readyz listen on {address}:{port} of the node only, and the port must be free on the node. Set {AnnotationKeys.MetricsAddress}: 0.0.0.0 to let Prometheus scrape it, or {AnnotationKeys.MetricsPort} to move it");
        }
        else if (hostNetwork && SidecarPorts.IsWildcard(address))
        {
            warnings.Add($"logsidecar: the pod uses hostNetwork: the sidecar's /metrics (which lists file paths) is served on every address of the node, port {port}");
        }
        else if (!hostNetwork && SidecarPorts.IsLoopback(address) && native)
        {
            denials.Add($"{AnnotationKeys.MetricsAddress}: {address} is the pod's own loopback, which the kubelet cannot reach, so the native sidecar's startup probe would never pass and the app would never start; leave the annotation out (0.0.0.0) or use a classic sidecar ({AnnotationKeys.Native}: \"false\")");
            return null;
        }

        return new SidecarEndpoint(port, address);
    }

    /// <summary>A stream of the config annotation that names its container must name an app container that gets the volume.</summary>
    private static void CheckStreamContainers(SidecarConfig config, List<string> selected, List<string> denials)
    {
        for (var i = 0; i < config.Streams.Count; i++)
        {
            if (config.Streams[i].Container is { } container && !selected.Contains(container, StringComparer.Ordinal))
            {
                denials.Add($"{AnnotationKeys.Config}: streams[{i}].container: {ValueText.Quote(container)} is not an app container that gets the log volume; name one of: {string.Join(", ", selected)}");
            }
        }
    }

    private static bool IsWindows(V1PodSpec spec) =>
        string.Equals(spec.Os?.Name, "windows", StringComparison.OrdinalIgnoreCase)
        || (spec.NodeSelector?.TryGetValue("kubernetes.io/os", out var os) == true && string.Equals(os, "windows", StringComparison.OrdinalIgnoreCase));

    /// <summary>Admitted unchanged but for a status annotation that says why: the sidecar is a Linux image.</summary>
    private static InjectionOutcome SkipWindows(JsonObject pod, List<string> warnings)
    {
        const string Message = "the pod runs on Windows (spec.os.name or a kubernetes.io/os nodeSelector) and the sidecar is a Linux image whose securityContext Windows pods may not have; it was admitted without the sidecar. Write the logs to stdout, or use a node agent that reads Windows files";
        warnings.Add($"logsidecar: {Message}");
        var status = JsonSerializer.Serialize(new SkippedStatus { Version = Version, Skipped = "windows", Message = Message }, StatusJsonContext.Default.SkippedStatus);
        var patch = new PatchBuilder();
        AddStatus(patch, pod, status);
        return new InjectionOutcome { Kind = OutcomeKind.Skipped, Skip = SkipReason.Windows, Patch = patch.Operations, Warnings = warnings };
    }

    private static void AddStatus(PatchBuilder patch, JsonObject pod, string statusJson)
    {
        if (pod["metadata"] is JsonObject metadata)
        {
            patch.AddToMap(metadata, ["metadata"], "annotations", AnnotationKeys.Status, statusJson);
        }
        else
        {
            patch.Add(JsonPointer.Of("metadata"), new JsonObject { ["annotations"] = new JsonObject { [AnnotationKeys.Status] = statusJson } });
        }
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
                warnings.Add($"{AnnotationKeys.Containers}: the pod has no app container {ValueText.Quote(name)}; it was ignored");
            }
            else
            {
                selected.Add(index);
            }
        }

        if (selected.Count == 0)
        {
            denials.Add($"{AnnotationKeys.Containers}: none of {ValueText.Quote(string.Join(", ", wanted))} is an app container of this pod; name one of: {string.Join(", ", containers.Select(c => c.Name))}");
        }

        selected.Sort();
        return selected;
    }
}
