using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>The injector configuration every golden case is rendered with.</summary>
public static class TestOptions
{
    internal static InjectorOptions Create(string certFile = "unused.crt", string keyFile = "unused.key") => new()
    {
        Image = "registry.example/logsidecar:0.1.0",
        AllowedImages = ["registry.example/logsidecar:*"],
        Native = NativeModes.Always,
        InjectorNamespace = "logsidecar-system",
        ListenAddress = "127.0.0.1",
        Port = 0,
        TlsCertFile = certFile,
        TlsKeyFile = keyFile,
    };
}
