namespace LogSidecar.Injector.Configuration;

/// <summary>Allowed values of <see cref="InjectorOptions.Native"/>.</summary>
internal static class NativeModes
{
    public const string Auto = "auto";
    public const string Always = "always";
    public const string Never = "never";
    public static readonly IReadOnlyList<string> All = [Auto, Always, Never];

    /// <summary>Native sidecars (SidecarContainers) are on by default from this minor version.</summary>
    public static readonly Version FirstNativeVersion = new(1, 29);

    /// <summary>Parses 1.30, v1.30.2 or 1.30+ (as some providers report the minor).</summary>
    public static Version? ParseKubernetesVersion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim().TrimStart('v');
        var parts = trimmed.Split('.', '-', '+');
        return parts.Length >= 2
            && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1].TrimEnd('+'), System.Globalization.CultureInfo.InvariantCulture, out var minor)
            ? new Version(major, minor)
            : null;
    }
}
