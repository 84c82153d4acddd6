namespace LogSidecar.Injector.Annotations;

/// <summary>
/// The user-facing contract: label and annotation keys (prefix <c>logsidecar.io/</c>) and their
/// fixed values. Every key is documented in the README with its default and an example.
/// </summary>
internal static class AnnotationKeys
{
    public const string Prefix = "logsidecar.io/";

    /// <summary>Namespace label: <c>enabled</c> or <c>disabled</c>.</summary>
    public const string Injection = Prefix + "injection";

    /// <summary>Pod label (preferred) or annotation: <c>true</c> or <c>false</c>.</summary>
    public const string Inject = Prefix + "inject";

    public const string Paths = Prefix + "paths";
    public const string MountPath = Prefix + "mount-path";
    public const string Containers = Prefix + "containers";
    public const string Format = Prefix + "format";
    public const string Regex = Prefix + "regex";
    public const string Multiline = Prefix + "multiline";
    public const string Mode = Prefix + "mode";
    public const string Sink = Prefix + "sink";
    public const string Endpoint = Prefix + "endpoint";
    public const string Index = Prefix + "index";
    public const string Secret = Prefix + "secret";
    public const string Config = Prefix + "config";
    public const string Cpu = Prefix + "cpu";
    public const string Memory = Prefix + "memory";
    public const string Native = Prefix + "native";

    /// <summary>Per-pod sidecar image; accepted only when it matches the injector's allow-list.</summary>
    public const string Image = Prefix + "image";

    /// <summary>Port of the sidecar's /metrics, /healthz and /readyz; denied when a container of the pod declares it.</summary>
    public const string MetricsPort = Prefix + "metrics-port";

    /// <summary>Address that endpoint binds; on hostNetwork pods the default is 127.0.0.1.</summary>
    public const string MetricsAddress = Prefix + "metrics-address";

    /// <summary>Written by the injector: what was injected and which knobs were applied or ignored.</summary>
    public const string Status = Prefix + "status";

    /// <summary>
    /// Namespace annotation read by the controller, not a pod default: <c>true</c> lets it restart the workloads of
    /// pods that miss their sidecar or drifted, <c>false</c> forbids it there even when the configuration allows it.
    /// </summary>
    public const string Repair = Prefix + "repair";

    /// <summary>Pod template annotation the repair patches, as <c>kubectl rollout restart</c> patches its own: a new value rolls the pods.</summary>
    public const string RestartedAt = Prefix + "restarted-at";

    /// <summary>Namespace label value that injects every pod that does not opt out.</summary>
    public const string Enabled = "enabled";

    /// <summary>Namespace label value that never injects.</summary>
    public const string Disabled = "disabled";

    /// <summary>Every key a pod annotation may carry.</summary>
    public static readonly IReadOnlyList<string> PodAnnotations =
    [
        Inject, Paths, MountPath, Containers, Format, Regex, Multiline, Mode, Sink, Endpoint, Index, Secret,
        Config, Cpu, Memory, Native, Image, MetricsPort, MetricsAddress, Status,
    ];

    /// <summary>Every key a pod label may carry.</summary>
    public static readonly IReadOnlyList<string> PodLabels = [Inject];
}
