using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Configuration;

/// <summary>
/// The injector's configuration (JSON file given with <c>--config</c>, camelCase keys; flags override).
/// Cluster defaults here are what pod annotations override. Validated at start by <see cref="InjectorOptionsValidator"/>.
/// </summary>
internal sealed record InjectorOptions
{
    /// <summary>Sidecar image injected into pods.</summary>
    public string Image { get; set; } = "ghcr.io/logsidecar/logsidecar:0.1.0";

    /// <summary>imagePullPolicy of the sidecar container: Always, IfNotPresent or Never.</summary>
    public string ImagePullPolicy { get; set; } = "IfNotPresent";

    /// <summary>Image globs (<c>*</c> within one path segment) a pod may choose with <c>logsidecar.io/image</c>; empty turns overrides off.</summary>
    public List<string> AllowedImages { get; set; } = [];

    /// <summary>Native sidecar (init container with restartPolicy Always): auto (from the Kubernetes version, 1.29+), always or never.</summary>
    public string Native { get; set; } = NativeModes.Auto;

    /// <summary>Kubernetes version (such as 1.30) used by <c>native: auto</c>; discovered from the API server when unset and in a cluster.</summary>
    public string? KubernetesVersion { get; set; }

    /// <summary>Default mount path of the shared volume.</summary>
    public string MountPath { get; set; } = "/var/log/app";

    /// <summary>sizeLimit of the emptyDir shared by the app and the sidecar.</summary>
    public string VolumeSizeLimit { get; set; } = "500Mi";

    /// <summary>Default sidecar CPU request.</summary>
    public string Cpu { get; set; } = "50m";

    /// <summary>Default sidecar memory request and limit.</summary>
    public string Memory { get; set; } = "64Mi";

    /// <summary>Cap for <c>logsidecar.io/cpu</c>.</summary>
    public string MaxCpu { get; set; } = "1";

    /// <summary>Cap for <c>logsidecar.io/memory</c>.</summary>
    public string MaxMemory { get; set; } = "1Gi";

    /// <summary>
    /// Read the <c>logsidecar.io/</c> annotations of each pod's namespace as defaults (pod &gt; namespace &gt; this
    /// configuration). The webhook keeps them in a cache that lists and watches namespaces (RBAC get, list and
    /// watch on namespaces); false turns that off and namespace annotations are not read.
    /// </summary>
    public bool NamespaceDefaults { get; set; } = true;

    /// <summary>Namespaces never injected.</summary>
    public List<string> ExcludedNamespaces { get; set; } = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>The injector's own namespace, never injected; defaults to the POD_NAMESPACE environment variable.</summary>
    public string? InjectorNamespace { get; set; }

    /// <summary>IP address the webhook listens on. In a cluster set 0.0.0.0 so the API server can reach it.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>HTTPS port of the webhook; 0 picks a free port.</summary>
    public int Port { get; set; } = 8443;

    /// <summary>PEM certificate file (reloaded when it changes).</summary>
    public string TlsCertFile { get; set; } = "/etc/logsidecar-injector/tls/tls.crt";

    /// <summary>PEM private key file (reloaded when it changes).</summary>
    public string TlsKeyFile { get; set; } = "/etc/logsidecar-injector/tls/tls.key";

    /// <summary>The controller that finds pods without their sidecar or with a drifted one, and repairs them when allowed.</summary>
    public ControllerOptions Controller { get; set; } = new();

    /// <summary>Built-in self-signed certificate bootstrap; off by default (cert-manager or mounted files instead).</summary>
    public SelfSignedOptions SelfSigned { get; set; } = new();

    /// <summary>
    /// Largest admission request body, in bytes; larger ones get 413. The API server refuses requests over 3 MiB
    /// and stores objects of at most about 1.5 MiB, so a review of a real pod is far below the default of 3 MiB.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 3 * 1024 * 1024;

    /// <summary>
    /// Admission requests read and answered at once; each may hold several times its body in memory while it is
    /// parsed. A normal review takes well under a millisecond, so two answer thousands a second.
    /// </summary>
    public int MaxConcurrentReviews { get; set; } = 2;

    /// <summary>Admission requests waiting for a turn (headers read, body not yet); beyond them, or after the wait, 503.</summary>
    public int MaxQueuedReviews { get; set; } = 64;

    /// <summary>Open connections to the webhook port; Kestrel closes any beyond it at once. Each holds its TLS and read buffers.</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Smallest <see cref="MaxRequestBytes"/> accepted: a pod with many containers is tens of kilobytes.</summary>
    public const int MinRequestBytes = 64 * 1024;

    /// <summary>Largest <see cref="MaxRequestBytes"/> accepted.</summary>
    public const int MaxRequestBytesCap = 64 * 1024 * 1024;

    public AnnotationDefaults ToAnnotationDefaults() => new()
    {
        MountPath = MountPath,
        Cpu = Cpu,
        Memory = Memory,
        MaxCpu = MaxCpu,
        MaxMemory = MaxMemory,
        AllowedImages = AllowedImages,
    };
}
