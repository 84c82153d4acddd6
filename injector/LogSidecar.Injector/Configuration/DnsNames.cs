namespace LogSidecar.Injector.Configuration;

/// <summary>Kubernetes object name rules (RFC 1123 labels and subdomains) for configuration checks.</summary>
internal static class DnsNames
{
    /// <summary>A DNS label: 1 to 63 of a-z, 0-9 and '-', starting and ending with a letter or digit (Service and Namespace names).</summary>
    public static bool IsLabel(string? name) =>
        name is { Length: > 0 and <= 63 } && IsAlphanumeric(name[0]) && IsAlphanumeric(name[^1]) && name.All(c => IsAlphanumeric(c) || c == '-');

    /// <summary>A DNS subdomain: dot-separated labels, at most 253 characters (Secret and webhook configuration names).</summary>
    public static bool IsSubdomain(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Split('.').All(IsLabel);

    private static bool IsAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
