using System.Net;
using System.Text.RegularExpressions;

namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Checks a configuration and reports every problem at once, each naming the field and what to
/// change (the YARP ConfigValidator approach). Shared so the injector can reject what the sidecar would.
/// </summary>
public static partial class SidecarConfigValidator
{
    public static IReadOnlyList<ConfigError> Validate(SidecarConfig config)
    {
        var errors = new List<ConfigError>();
        ValidateStreams(config.Streams, errors);

        if (config.CheckpointDir is { } dir && !Path.IsPathRooted(dir))
        {
            errors.Add(new("checkpointDir", $"'{dir}' is relative; give an absolute directory"));
        }

        Range(errors, "checkpointIntervalMs", config.CheckpointIntervalMs, 10, 600_000);
        Range(errors, "shutdownBudgetSeconds", config.ShutdownBudgetSeconds, 1, 3600);
        OneOf(errors, "logLevel", config.LogLevel, DiagnosticLevels.All);

        var tailing = config.Tailing;
        Range(errors, "tailing.pollIntervalMs", tailing.PollIntervalMs, 10, 60_000);
        Range(errors, "tailing.maxLineBytes", tailing.MaxLineBytes, 1024, 64 * 1024 * 1024);
        Range(errors, "tailing.readBufferBytes", tailing.ReadBufferBytes, 4096, 16 * 1024 * 1024);
        Range(errors, "tailing.partialLineTimeoutMs", tailing.PartialLineTimeoutMs, 0, 3_600_000);
        Range(errors, "tailing.rotateWaitMs", tailing.RotateWaitMs, 0, 3_600_000);
        Range(errors, "tailing.fingerprintBytes", tailing.FingerprintBytes, 16, 64 * 1024);

        var output = config.Output;
        OneOf(errors, "output.format", output.Format, OutputFormats.All);
        OneOf(errors, "output.oversize", output.Oversize, OversizePolicies.All);
        Range(errors, "output.maxRecordBytes", output.MaxRecordBytes, 1024, 64 * 1024 * 1024);

        var metrics = config.Metrics;
        Range(errors, "metrics.port", metrics.Port, 0, 65535);
        if (!IPAddress.TryParse(metrics.Address, out _))
        {
            errors.Add(new("metrics.address", $"'{metrics.Address}' is not an IP address; use 127.0.0.1 (default) or 0.0.0.0"));
        }

        return errors;
    }

    private static void ValidateStreams(List<StreamConfig> streams, List<ConfigError> errors)
    {
        if (streams.Count == 0)
        {
            errors.Add(new("streams", "no stream is configured; add one with at least one path glob (flag --path)"));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < streams.Count; i++)
        {
            var stream = streams[i];
            var at = $"streams[{i}]";
            if (!StreamName().IsMatch(stream.Name))
            {
                errors.Add(new($"{at}.name", $"'{stream.Name}' is not a valid name; use 1-63 lowercase letters, digits and '-', starting with a letter or digit"));
            }
            else if (!names.Add(stream.Name))
            {
                errors.Add(new($"{at}.name", $"'{stream.Name}' is used by another stream; give each stream its own name"));
            }

            if (stream.Paths.Count == 0)
            {
                errors.Add(new($"{at}.paths", "no path glob; add at least one absolute glob such as /var/log/app/*.log"));
            }

            for (var p = 0; p < stream.Paths.Count; p++)
            {
                var path = stream.Paths[p];
                if (string.IsNullOrWhiteSpace(path) || !Path.IsPathRooted(path))
                {
                    errors.Add(new($"{at}.paths[{p}]", $"'{path}' is not an absolute path glob; start it with '/'"));
                }
            }

            for (var x = 0; x < stream.Exclude.Count; x++)
            {
                if (string.IsNullOrWhiteSpace(stream.Exclude[x]))
                {
                    errors.Add(new($"{at}.exclude[{x}]", "empty exclude glob; remove it or give a pattern such as *.gz"));
                }
            }

            OneOf(errors, $"{at}.startAt", stream.StartAt, StartPositions.All);
        }
    }

    private static void Range(List<ConfigError> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(new(field, $"{value} is out of range; use a value from {min} to {max}"));
        }
    }

    private static void OneOf(List<ConfigError> errors, string field, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new(field, $"'{value}' is not one of: {string.Join(", ", allowed)}"));
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex StreamName();
}
