namespace LogSidecar.Injector.Certificates;

/// <summary>The names the API server uses to reach the webhook through its Service.</summary>
internal sealed record ServingIdentity(string ServiceName, string Namespace)
{
    /// <summary>Subject common name: the name the API server dials (<c>service.namespace.svc</c>).</summary>
    public string CommonName => $"{ServiceName}.{Namespace}.svc";

    /// <summary>Every DNS name a client may use for the Service, as subject alternative names.</summary>
    public IReadOnlyList<string> DnsNames =>
    [
        $"{ServiceName}.{Namespace}.svc",
        $"{ServiceName}.{Namespace}.svc.cluster.local",
        $"{ServiceName}.{Namespace}",
        ServiceName,
    ];
}
