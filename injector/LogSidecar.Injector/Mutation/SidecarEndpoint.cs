namespace LogSidecar.Injector.Mutation;

/// <summary>Where the sidecar's /metrics, /healthz and /readyz listen in one pod.</summary>
internal sealed record SidecarEndpoint(int Port, string Address);
