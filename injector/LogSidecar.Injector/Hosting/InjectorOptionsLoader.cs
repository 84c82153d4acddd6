using System.Text.Json;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Hosting;

/// <summary>Builds the options: the <c>--config</c> file (or defaults), then the environment, then the flags.</summary>
internal static class InjectorOptionsLoader
{
    public static InjectorOptions? Load(CommandLine flags, Func<string, string?> environment, List<string> errors)
    {
        var options = new InjectorOptions();
        if (flags.ConfigFile is { } file)
        {
            try
            {
                options = JsonSerializer.Deserialize(File.ReadAllText(file), InjectorOptionsJsonContext.Default.InjectorOptions);
                if (options is null)
                {
                    errors.Add($"--config {file}: the file is JSON null; give an object");
                    return null;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"--config {file}: cannot read it: {e.Message}");
                return null;
            }
            catch (JsonException e)
            {
                errors.Add($"--config {file}: {JsonErrors.Describe(e)} (the README lists every key with its type)");
                return null;
            }
        }

        options.InjectorNamespace ??= environment("POD_NAMESPACE") is { Length: > 0 } ns ? ns : null;
        if (flags.Listen is { } listen)
        {
            var colon = listen.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port))
            {
                errors.Add($"--listen {listen}: give ADDRESS:PORT such as 0.0.0.0:8443");
            }
            else
            {
                options.ListenAddress = listen[..colon].Trim('[', ']');
                options.Port = port;
            }
        }

        options.TlsCertFile = flags.TlsCert ?? options.TlsCertFile;
        options.TlsKeyFile = flags.TlsKey ?? options.TlsKeyFile;
        options.Image = flags.Image ?? options.Image;
        options.Native = flags.Native ?? options.Native;
        options.KubernetesVersion = flags.KubernetesVersion ?? options.KubernetesVersion;
        return options;
    }

    /// <summary>Whether pods get a native sidecar unless they say otherwise.</summary>
    public static bool NativeByDefault(InjectorOptions options, Version? discovered) => options.Native switch
    {
        NativeModes.Always => true,
        NativeModes.Never => false,
        _ => (NativeModes.ParseKubernetesVersion(options.KubernetesVersion) ?? discovered) is { } version && version >= NativeModes.FirstNativeVersion,
    };
}
