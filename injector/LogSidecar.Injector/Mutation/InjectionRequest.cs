using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// Where a pod comes from: its namespace (null offline when the manifest has none), the way in, the namespace's
/// <c>logsidecar.io/</c> defaults when known, and why they are not when they should be (the webhook's namespace
/// cache has not synced or the API server did not answer): the pod is then answered without them and told so.
/// </summary>
internal sealed record InjectionRequest(string? Namespace, EnablementMode Mode, NamespaceDefaults? Defaults = null, string? DefaultsUnavailable = null);
