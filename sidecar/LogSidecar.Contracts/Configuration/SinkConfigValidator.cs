using System.Text.RegularExpressions;

namespace LogSidecar.Contracts.Configuration;

/// <summary>The shipping part of <see cref="SidecarConfigValidator"/>: modes, sinks and which stream uses which.</summary>
internal static partial class SinkConfigValidator
{
    public static void Validate(SidecarConfig config, List<ConfigError> errors)
    {
        SidecarConfigValidator.OneOf(errors, "mode", config.Mode, DeliveryModes.All);
        if (!SidecarConfigValidator.Present(errors, "sinks", config.Sinks, "a list of sinks"))
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.Sinks.Count; i++)
        {
            var sink = config.Sinks[i];
            var at = $"sinks[{i}]";
            if (!SidecarConfigValidator.Entry(errors, at, sink, "a sink object"))
            {
                continue;
            }

            ValidateSink(sink, at, errors);
            var name = DeliveryRoutes.NameOf(sink);
            if (name is null || !SinkName().IsMatch(name))
            {
                errors.Add(new($"{at}.name", $"{SidecarConfigValidator.Quote(name)} is not a valid name; use 1-63 lowercase letters, digits and '-'"));
            }
            else if (!names.Add(name))
            {
                errors.Add(new($"{at}.name", $"another sink is also called '{name}'; give each sink its own name"));
            }
        }

        // Routes name sinks: only worth checking when every sink and stream could be read.
        if (config.Sinks.Exists(sink => sink is null) || config.Streams is null)
        {
            return;
        }

        for (var i = 0; i < config.Streams.Count; i++)
        {
            if (config.Streams[i] is { } stream)
            {
                ValidateRoute(config, stream, $"streams[{i}]", errors);
            }
        }
    }

    private static void ValidateSink(SinkConfig sink, string at, List<ConfigError> errors)
    {
        SidecarConfigValidator.OneOf(errors, $"{at}.type", sink.Type, SinkTypes.All);
        if (!Uri.TryCreate(sink.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(new($"{at}.endpoint", $"{SidecarConfigValidator.Quote(sink.Endpoint)} is not an http(s) URL; give the backend's base URL, such as https://elasticsearch.logging:9200 (flag --endpoint)"));
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add(new($"{at}.endpoint", "the URL holds credentials; remove them and put username and password files in credentialsDir (flag --credentials-dir)"));
        }

        if (SidecarConfigValidator.Present(errors, $"{at}.index", sink.Index, "an index name") && SinkTypes.HasIndex(sink.Type) && !IndexNames.IsValid(sink.Index))
        {
            errors.Add(new($"{at}.index", $"'{sink.Index}' is not a valid index name; {IndexNames.Rule}"));
        }

        foreach (var (field, path) in new[] { ("credentialsDir", sink.CredentialsDir), ("caFile", sink.CaFile) })
        {
            if (path is not null && !Path.IsPathRooted(path))
            {
                errors.Add(new($"{at}.{field}", $"'{path}' is relative; give an absolute path"));
            }
        }

        SidecarConfigValidator.OneOf(errors, $"{at}.compression", sink.Compression, SinkCompressions.All);
        if (sink.Tenant is { } tenant)
        {
            if (sink.Type != SinkTypes.Loki)
            {
                errors.Add(new($"{at}.tenant", $"a tenant (X-Scope-OrgID) is Loki's; remove it from this {sink.Type} sink"));
            }
            else if (!LokiTenant().IsMatch(tenant) || tenant is "." or "..")
            {
                errors.Add(new($"{at}.tenant", $"'{tenant}' is not a Loki tenant ID; use up to 150 letters, digits and !-_.*'()"));
            }
        }

        if (sink.Compression == SinkCompressions.Snappy && sink.Type != SinkTypes.Loki)
        {
            errors.Add(new($"{at}.compression", $"snappy is Loki's protobuf push; a {sink.Type} sink takes gzip or none"));
        }

        if (SidecarConfigValidator.Present(errors, $"{at}.labels", sink.Labels, "a list of labels"))
        {
            for (var l = 0; l < sink.Labels.Count; l++)
            {
                SidecarConfigValidator.OneOf(errors, $"{at}.labels[{l}]", sink.Labels[l], LokiLabels.All);
            }
        }

        SidecarConfigValidator.Range(errors, $"{at}.maxBatchRecords", sink.MaxBatchRecords, 1, 1_000_000);
        SidecarConfigValidator.Range(errors, $"{at}.maxBatchBytes", sink.MaxBatchBytes, 64 * 1024, 256 * 1024 * 1024);
        SidecarConfigValidator.Range(errors, $"{at}.flushIntervalMs", sink.FlushIntervalMs, 0, 600_000);
        SidecarConfigValidator.Range(errors, $"{at}.timeoutMs", sink.TimeoutMs, 100, 600_000);
        SidecarConfigValidator.Range(errors, $"{at}.retryInitialMs", sink.RetryInitialMs, 1, 600_000);
        SidecarConfigValidator.Range(errors, $"{at}.retryMaxMs", sink.RetryMaxMs, Math.Max(1, sink.RetryInitialMs), 3_600_000);
    }

    /// <summary>The stream's mode and sink; <paramref name="at"/> names where the stream is configured.</summary>
    internal static void ValidateRoute(SidecarConfig config, StreamConfig stream, string at, List<ConfigError> errors)
    {
        if (stream.Mode is { } mode)
        {
            SidecarConfigValidator.OneOf(errors, $"{at}.mode", mode, DeliveryModes.All);
        }

        if (!DeliveryModes.Ships(DeliveryRoutes.ModeOf(config, stream)))
        {
            if (stream.Sink is not null)
            {
                errors.Add(new($"{at}.sink", $"the stream's mode is {DeliveryRoutes.ModeOf(config, stream)}, so it ships nowhere; set mode to ship or both, or remove sink"));
            }

            return;
        }

        if (DeliveryRoutes.SinkOf(config, stream) is not null)
        {
            return;
        }

        var known = config.Sinks.Count == 0 ? "none is configured (flags --sink and --endpoint)" : $"configured: {string.Join(", ", config.Sinks.Select(DeliveryRoutes.NameOf))}";
        errors.Add(stream.Sink is { } name
            ? new($"{at}.sink", $"no sink is called '{name}'; {known}")
            : new($"{at}.sink", $"the stream ships but names no sink; {known}"));
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex SinkName();

    // Loki's tenant ID rules (pkg/tenant): these characters, at most 150 of them.
    [GeneratedRegex(@"^[A-Za-z0-9!\-_.*'()]{1,150}$")]
    private static partial Regex LokiTenant();
}
