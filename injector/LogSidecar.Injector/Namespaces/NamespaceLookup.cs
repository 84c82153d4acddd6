using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Namespaces;

/// <summary>A pod's namespace as the webhook knows it: its defaults, or why they cannot be read now.</summary>
internal sealed record NamespaceLookup(NamespaceDefaults? Defaults, string? Unavailable)
{
    public static NamespaceLookup Known(NamespaceDefaults defaults) => new(defaults, null);

    public static NamespaceLookup NotKnown(string reason) => new(null, reason);
}
