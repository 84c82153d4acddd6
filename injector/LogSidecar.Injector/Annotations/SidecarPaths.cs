namespace LogSidecar.Injector.Annotations;

/// <summary>Where the injector mounts things in the sidecar container, so the rendered configuration can point at them.</summary>
internal static class SidecarPaths
{
    /// <summary>The <c>logsidecar.io/secret</c> Secret, read-only: its keys (username, password, api-key, token) are the credential files.</summary>
    public const string CredentialsDir = "/var/run/secrets/logsidecar.io/credentials";
}
