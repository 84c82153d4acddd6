using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// The <c>configHash</c> of the status annotation: SHA-256 of what the injection adds to the pod (volumes, mounts,
/// the sidecar with its image, configuration and resources; not the status annotation), each item with the array it
/// goes to named by name (<c>containers[web].volumeMounts</c>), never by index or by whether the array existed, cut
/// to 128 bits. The same pod under the same configuration always hashes the same; any change to what would be
/// rendered changes it, so a pod whose hash differs from a fresh render of it has drifted, and one that another
/// webhook changed after us (a container put first, an init container or a volume appended) has not.
/// </summary>
internal static class ConfigHash
{
    public const string Prefix = "sha256:";

    public static string Of(JsonArray added)
    {
        var rendered = System.Text.Encoding.UTF8.GetBytes(added.ToJsonString());
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(rendered).AsSpan(0, 16));
    }
}
