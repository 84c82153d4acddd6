using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// Puts the CA bundle into <c>clientConfig.caBundle</c> of every webhook of one MutatingWebhookConfiguration.
/// Uses only get and patch on that object (what the overlay's ClusterRole grants, by resourceNames). Patches
/// only webhooks whose bundle differs, with a JSON patch that first tests each webhook's name at its index,
/// so a configuration reordered between our read and our patch is refused (422) and read again.
/// </summary>
internal sealed class CaBundlePatcher
{
    private const string Resource = "mutatingwebhookconfigurations";
    private const int Attempts = 3;
    private readonly IKubernetes _client;
    private readonly string _name;

    public CaBundlePatcher(IKubernetes client, string name)
    {
        _client = client;
        _name = name;
    }

    /// <summary>The number of webhooks patched (0 when all were up to date already).</summary>
    public async Task<KubernetesApiResult<int>> EnsureAsync(byte[] caBundle, CancellationToken cancellationToken)
    {
        KubernetesApiFailure? last = null;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var read = await KubernetesApi.CallAsync(() => _client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(_name, cancellationToken: cancellationToken), "get", Resource, _name);
            if (read.Failure is { } failure)
            {
                return failure;
            }

            var patch = BuildPatch(read.Value!, caBundle, out var count);
            if (count == 0)
            {
                return new KubernetesApiResult<int>(0, null);
            }

            var patched = await KubernetesApi.CallAsync(
                () => _client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), _name, cancellationToken: cancellationToken),
                "patch",
                Resource,
                _name);
            if (patched.Failure is not { } patchFailure)
            {
                return new KubernetesApiResult<int>(count, null);
            }

            // 422: a test op failed because the webhooks changed after our read; read again. Anything else is final.
            if (patchFailure.StatusCode != (int)HttpStatusCode.UnprocessableEntity)
            {
                return patchFailure;
            }

            last = patchFailure;
        }

        return last!;
    }

    private static string BuildPatch(V1MutatingWebhookConfiguration configuration, byte[] caBundle, out int count)
    {
        count = 0;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            var webhooks = configuration.Webhooks ?? [];
            for (var i = 0; i < webhooks.Count; i++)
            {
                var webhook = webhooks[i];
                if (webhook.ClientConfig?.CaBundle is { } current && current.AsSpan().SequenceEqual(caBundle))
                {
                    continue;
                }

                count++;
                json.WriteStartObject();
                json.WriteString("op", "test");
                json.WriteString("path", $"/webhooks/{i}/name");
                json.WriteString("value", webhook.Name);
                json.WriteEndObject();
                json.WriteStartObject();
                // "add" on an object member replaces it when present (RFC 6902 4.1), so it serves both cases.
                json.WriteString("op", "add");
                json.WriteString("path", $"/webhooks/{i}/clientConfig/caBundle");
                json.WriteBase64String("value", caBundle);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
