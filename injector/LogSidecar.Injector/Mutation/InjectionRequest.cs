namespace LogSidecar.Injector.Mutation;

/// <summary>Where a pod comes from: its namespace (null offline when the manifest has none) and the way in.</summary>
internal sealed record InjectionRequest(string? Namespace, EnablementMode Mode);
