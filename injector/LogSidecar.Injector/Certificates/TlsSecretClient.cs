using k8s;
using k8s.Models;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// Reads and writes the Secret with the webhook's certificate. Uses only get, create and update on secrets in
/// the injector's namespace (what the overlay's Role grants). Writes are conditional: create fails with 409
/// AlreadyExists when another replica was first, update carries the resourceVersion read and fails with 409
/// Conflict when the Secret changed since; the caller re-reads in both cases.
/// </summary>
internal sealed class TlsSecretClient
{
    private const string Resource = "secrets";
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _name;

    public TlsSecretClient(IKubernetes client, string @namespace, string name)
    {
        _client = client;
        _namespace = @namespace;
        _name = name;
    }

    private string Target => $"{_namespace}/{_name}";

    /// <summary>The Secret, or a null value (and no failure) when it does not exist.</summary>
    public async Task<KubernetesApiResult<V1Secret?>> ReadAsync(CancellationToken cancellationToken)
    {
        var result = await KubernetesApi.CallAsync<V1Secret?>(() => _client.CoreV1.ReadNamespacedSecretAsync(_name, _namespace, cancellationToken: cancellationToken), "get", Resource, Target);
        return result.Failure is { IsNotFound: true } ? new KubernetesApiResult<V1Secret?>(null, null) : result;
    }

    public Task<KubernetesApiResult<V1Secret>> CreateAsync(TlsMaterial material, CancellationToken cancellationToken)
    {
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = _name,
                NamespaceProperty = _namespace,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["app.kubernetes.io/managed-by"] = "logsidecar-injector" },
            },
            Type = "kubernetes.io/tls",
            Data = material.ToSecretData(),
        };
        return KubernetesApi.CallAsync(() => _client.CoreV1.CreateNamespacedSecretAsync(secret, _namespace, cancellationToken: cancellationToken), "create", Resource, Target);
    }

    /// <summary>Replaces the data of <paramref name="current"/>; its resourceVersion makes the update fail if another replica wrote first.</summary>
    public Task<KubernetesApiResult<V1Secret>> ReplaceAsync(V1Secret current, TlsMaterial material, CancellationToken cancellationToken)
    {
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = current.Metadata,
            Type = current.Type ?? "kubernetes.io/tls",
            Data = material.ToSecretData(),
        };
        return KubernetesApi.CallAsync(() => _client.CoreV1.ReplaceNamespacedSecretAsync(secret, _name, _namespace, cancellationToken: cancellationToken), "update", Resource, Target);
    }
}
