using System.Net;

namespace LogSidecar.Contracts.Configuration;

/// <summary>The audit webhook part of <see cref="SidecarConfigValidator"/>: the endpoint, its credentials, its spool and its stream.</summary>
internal static class AuditSourceValidator
{
    private const string At = "sources.audit";

    public static void Validate(SidecarConfig config, List<ConfigError> errors)
    {
        var audit = config.Sources!.Audit!;
        if (!HasAddressAndPort(audit.Listen))
        {
            errors.Add(new($"{At}.listen", $"{SidecarConfigValidator.Quote(audit.Listen)} is not an address and port; give one such as 0.0.0.0:8443, 127.0.0.1:8443 or [::]:8443 (flag --audit-listen)"));
        }

        if (audit.TlsCert is null || audit.TlsKey is null)
        {
            errors.Add(new($"{At}.tlsCert", "the endpoint serves HTTPS only; give the PEM certificate and its key (flags --tls-cert and --tls-key)"));
        }

        if (audit.ClientCa is null && audit.TokenFile is null)
        {
            errors.Add(new(At, "no way to authenticate the API server; give a CA whose client certificates are accepted (flag --client-ca) or a bearer token file (flag --audit-token-file), or both"));
        }

        foreach (var (field, flag, path) in new[] { ("tlsCert", "--tls-cert", audit.TlsCert), ("tlsKey", "--tls-key", audit.TlsKey), ("clientCa", "--client-ca", audit.ClientCa), ("tokenFile", "--audit-token-file", audit.TokenFile) })
        {
            if (path is not null && !Path.IsPathRooted(path))
            {
                errors.Add(new($"{At}.{field}", $"'{path}' is relative; give an absolute path (flag {flag} makes it absolute)"));
            }
        }

        if (string.IsNullOrEmpty(audit.SpoolDir) || !Path.IsPathRooted(audit.SpoolDir))
        {
            errors.Add(new($"{At}.spoolDir", $"{SidecarConfigValidator.Quote(audit.SpoolDir)} is not an absolute directory; give the directory in the pod's volume where accepted batches wait until they are delivered (flag --audit-spool)"));
        }

        if (audit.SpoolMaxBytes < 1024 * 1024 || audit.SpoolMaxBytes > 1L << 40)
        {
            errors.Add(new($"{At}.spoolMaxBytes", $"{audit.SpoolMaxBytes} is out of range; use a value from 1048576 (1 MiB) to 1099511627776 (1 TiB)"));
        }

        SidecarConfigValidator.Range(errors, $"{At}.spoolFileBytes", audit.SpoolFileBytes, 64 * 1024, 1024 * 1024 * 1024);
        SidecarConfigValidator.Range(errors, $"{At}.maxRequestBytes", audit.MaxRequestBytes, 64 * 1024, 256 * 1024 * 1024);
        if (audit.MaxRequestBytes > audit.SpoolMaxBytes)
        {
            errors.Add(new($"{At}.maxRequestBytes", $"{audit.MaxRequestBytes} is more than the whole spool (spoolMaxBytes, {audit.SpoolMaxBytes}); such a batch could never be accepted. Lower it or raise spoolMaxBytes"));
        }

        SidecarConfigValidator.Range(errors, $"{At}.retryAfterSeconds", audit.RetryAfterSeconds, 1, 3600);
        SidecarConfigValidator.Range(errors, $"{At}.reloadIntervalMs", audit.ReloadIntervalMs, 100, 3_600_000);
        if (!SidecarConfigValidator.IsName(audit.Stream))
        {
            errors.Add(new($"{At}.stream", $"{SidecarConfigValidator.Quote(audit.Stream)} is not a valid name; use 1-63 lowercase letters, digits and '-', starting with a letter or digit"));
        }
        else if (config.Streams?.Exists(stream => stream?.Name == audit.Stream) == true)
        {
            errors.Add(new($"{At}.stream", $"'{audit.Stream}' is the name of a configured stream too; give the audit stream its own name"));
        }

        if (config.Sinks is not null && !config.Sinks.Exists(sink => sink is null))
        {
            SinkConfigValidator.ValidateRoute(config, audit.ToStream(), At, errors);
        }
    }

    /// <summary>An IP address with a port: <c>1.2.3.4:8443</c> or <c>[::]:8443</c> (an IPv6 address needs its brackets).</summary>
    public static bool HasAddressAndPort(string? listen) =>
        listen is not null && IPEndPoint.TryParse(listen, out _)
        && (listen.StartsWith('[') ? listen.Contains("]:", StringComparison.Ordinal) : listen.Count(c => c == ':') == 1);
}
