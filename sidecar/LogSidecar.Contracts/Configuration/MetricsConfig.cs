namespace LogSidecar.Contracts.Configuration;

/// <summary>The HTTP endpoint for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
public sealed record MetricsConfig
{
    /// <summary>TCP port; 0 turns the endpoint off.</summary>
    public int Port { get; set; } = 2020;

    /// <summary>IP address to bind; loopback unless probes must reach it from outside the pod.</summary>
    public string Address { get; set; } = "127.0.0.1";
}
