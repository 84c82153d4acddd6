using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;

namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Checks a configuration and reports every problem at once, each naming the field and what to
/// change (the YARP ConfigValidator approach). Shared so the injector can reject what the sidecar would.
/// JSON can put null anywhere: each null where an object, a list or a value is needed is one more
/// problem in the list, and the parts under it are not looked at.
/// </summary>
public static partial class SidecarConfigValidator
{
    /// <summary>Path segments a glob may have.</summary>
    public const int MaxGlobSegments = 63;

    public static IReadOnlyList<ConfigError> Validate(SidecarConfig config)
    {
        var errors = new List<ConfigError>();
        var hasSources = config.Sources?.Audit is not null || config.Sources?.Events is not null;
        if (Present(errors, "streams", config.Streams, "a list of streams"))
        {
            ValidateStreams(config.Streams, hasSources, errors);
        }

        if (config.Sources?.Audit is not null)
        {
            AuditSourceValidator.Validate(config, errors);
        }

        if (config.Sources?.Events is not null)
        {
            EventsSourceValidator.Validate(config, errors);
        }

        if (config.CheckpointDir is { } dir && !Path.IsPathRooted(dir))
        {
            errors.Add(new("checkpointDir", $"'{dir}' is relative; give an absolute directory"));
        }

        Range(errors, "checkpointIntervalMs", config.CheckpointIntervalMs, 10, 600_000);
        Range(errors, "shutdownBudgetSeconds", config.ShutdownBudgetSeconds, 1, 3600);
        OneOf(errors, "logLevel", config.LogLevel, DiagnosticLevels.All);

        if (Present(errors, "tailing", config.Tailing, "an object"))
        {
            var tailing = config.Tailing;
            Range(errors, "tailing.pollIntervalMs", tailing.PollIntervalMs, 10, 60_000);
            Range(errors, "tailing.maxLineBytes", tailing.MaxLineBytes, 1024, 64 * 1024 * 1024);
            Range(errors, "tailing.readBufferBytes", tailing.ReadBufferBytes, 4096, 16 * 1024 * 1024);
            Range(errors, "tailing.maxBufferedBytes", tailing.MaxBufferedBytes, 64 * 1024, 1024 * 1024 * 1024);
            if (tailing.MaxBufferedBytes < tailing.ReadBufferBytes)
            {
                errors.Add(new("tailing.maxBufferedBytes", $"{tailing.MaxBufferedBytes} is smaller than one read buffer (tailing.readBufferBytes, {tailing.ReadBufferBytes}); raise it or lower readBufferBytes"));
            }

            Range(errors, "tailing.maxOpenFiles", tailing.MaxOpenFiles, 1, 1_000_000);
            Range(errors, "tailing.fileTurnMs", tailing.FileTurnMs, 0, 3_600_000);
            Range(errors, "tailing.partialLineTimeoutMs", tailing.PartialLineTimeoutMs, 0, 3_600_000);
            Range(errors, "tailing.rotateWaitMs", tailing.RotateWaitMs, 0, 3_600_000);
            Range(errors, "tailing.fingerprintBytes", tailing.FingerprintBytes, 16, 64 * 1024);
            Range(errors, "tailing.maxDepth", tailing.MaxDepth, 0, 256);
            Range(errors, "tailing.maxScanEntries", tailing.MaxScanEntries, 100, 10_000_000);
        }

        if (Present(errors, "output", config.Output, "an object"))
        {
            var output = config.Output;
            OneOf(errors, "output.format", output.Format, OutputFormats.All);
            OneOf(errors, "output.oversize", output.Oversize, OversizePolicies.All);
            Range(errors, "output.maxRecordBytes", output.MaxRecordBytes, 1024, 64 * 1024 * 1024);
        }

        SinkConfigValidator.Validate(config, errors);

        if (Present(errors, "metrics", config.Metrics, "an object"))
        {
            var metrics = config.Metrics;
            Range(errors, "metrics.port", metrics.Port, 0, 65535);
            if (!IPAddress.TryParse(metrics.Address, out _))
            {
                errors.Add(new("metrics.address", $"{Quote(metrics.Address)} is not an IP address; use 127.0.0.1 (default) or 0.0.0.0"));
            }
        }

        return errors;
    }

    private static void ValidateStreams(List<StreamConfig> streams, bool hasSources, List<ConfigError> errors)
    {
        if (streams.Count == 0)
        {
            if (!hasSources)
            {
                errors.Add(new("streams", "no stream is configured; add one with at least one path glob (flag --path), or a source (flag --audit-listen or --events)"));
            }

            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < streams.Count; i++)
        {
            var stream = streams[i];
            var at = $"streams[{i}]";
            if (!Entry(errors, at, stream, "a stream object"))
            {
                continue;
            }

            if (stream.Name is null || !StreamName().IsMatch(stream.Name))
            {
                errors.Add(new($"{at}.name", $"{Quote(stream.Name)} is not a valid name; use 1-63 lowercase letters, digits and '-', starting with a letter or digit"));
            }
            else if (!names.Add(stream.Name))
            {
                errors.Add(new($"{at}.name", $"'{stream.Name}' is used by another stream; give each stream its own name"));
            }

            if (Present(errors, $"{at}.paths", stream.Paths, "a list of absolute globs"))
            {
                ValidatePaths(stream.Paths, $"{at}.paths", errors);
            }

            if (Present(errors, $"{at}.exclude", stream.Exclude, "a list of globs"))
            {
                for (var x = 0; x < stream.Exclude.Count; x++)
                {
                    if (string.IsNullOrWhiteSpace(stream.Exclude[x]))
                    {
                        errors.Add(new($"{at}.exclude[{x}]", "empty exclude glob; remove it or give a pattern such as *.gz"));
                    }

                    SegmentCount(errors, $"{at}.exclude[{x}]", stream.Exclude[x]);
                }
            }

            OneOf(errors, $"{at}.startAt", stream.StartAt, StartPositions.All);
            if (stream.Container is { } container && !StreamName().IsMatch(container))
            {
                errors.Add(new($"{at}.container", $"'{container}' is not a container name; give the name of the app container that writes these files (1-63 lowercase letters, digits and '-')"));
            }

            ValidateFormat(stream, at, errors);
            if (stream.Multiline is { } multiline)
            {
                ValidateMultiline(multiline, $"{at}.multiline", errors);
            }
        }
    }

    private static void ValidatePaths(List<string> paths, string at, List<ConfigError> errors)
    {
        if (paths.Count == 0)
        {
            errors.Add(new(at, "no path glob; add at least one absolute glob such as /var/log/app/*.log"));
        }

        for (var p = 0; p < paths.Count; p++)
        {
            var path = paths[p];
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathRooted(path))
            {
                errors.Add(new($"{at}[{p}]", $"{Quote(path)} is not an absolute path glob; start it with '/'"));
            }

            SegmentCount(errors, $"{at}[{p}]", path);
        }
    }

    private static void ValidateFormat(StreamConfig stream, string at, List<ConfigError> errors)
    {
        OneOf(errors, $"{at}.format", stream.Format, RecordFormats.All);
        if (stream.Format == RecordFormats.Regex)
        {
            if (string.IsNullOrEmpty(stream.Regex))
            {
                errors.Add(new($"{at}.regex", "format regex needs a regex with named groups, for example ^(?<time>\\S+) (?<level>\\w+) (?<message>.*)$ (flag --regex)"));
            }
            else if (Compiles(stream.Regex, $"{at}.regex", errors) is { } regex && regex.GetGroupNames().All(name => int.TryParse(name, out _)))
            {
                errors.Add(new($"{at}.regex", "the regex has no named group; name the parts, for example (?<level>\\w+) and (?<message>.*)"));
            }
        }
        else if (stream.Regex is not null)
        {
            errors.Add(new($"{at}.regex", $"a regex is only used with format regex, not {stream.Format}; remove it or set format to regex"));
        }

        foreach (var (field, keys) in new[] { ("timeKeys", stream.TimeKeys), ("levelKeys", stream.LevelKeys), ("messageKeys", stream.MessageKeys) })
        {
            if (Present(errors, $"{at}.{field}", keys, "a list of keys") && keys.Exists(string.IsNullOrEmpty))
            {
                errors.Add(new($"{at}.{field}", "empty key; remove it"));
            }
        }

        if (!Present(errors, $"{at}.timeFormats", stream.TimeFormats, "a list of time formats"))
        {
            return;
        }

        for (var i = 0; i < stream.TimeFormats.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(stream.TimeFormats[i]))
            {
                errors.Add(new($"{at}.timeFormats[{i}]", "empty time format; use rfc3339, epoch_s, epoch_ms, epoch_us, epoch_ns or a .NET custom format such as dd/MMM/yyyy:HH:mm:ss zzz"));
            }
        }
    }

    private static void ValidateMultiline(MultilineConfig multiline, string at, List<ConfigError> errors)
    {
        var rules = new[] { multiline.Preset, multiline.FirstLine, multiline.Continuation }.Count(rule => rule is not null);
        if (rules != 1)
        {
            errors.Add(new(at, "set exactly one of preset (java, dotnet, python, go), firstLine or continuation"));
        }

        if (multiline.Preset is { } preset)
        {
            OneOf(errors, $"{at}.preset", preset, MultilinePresets.All);
        }

        if (multiline.FirstLine is { } firstLine)
        {
            Compiles(firstLine, $"{at}.firstLine", errors);
        }

        if (multiline.Continuation is { } continuation)
        {
            Compiles(continuation, $"{at}.continuation", errors);
        }

        Range(errors, $"{at}.timeoutMs", multiline.TimeoutMs, 0, 3_600_000);
        Range(errors, $"{at}.maxLines", multiline.MaxLines, 2, 1_000_000);
        Range(errors, $"{at}.maxBytes", multiline.MaxBytes, 1024, 16 * 1024 * 1024);
    }

    private static Regex? Compiles(string pattern, string field, List<ConfigError> errors)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            errors.Add(new(field, $"not a valid .NET regex: {e.Message}"));
            return null;
        }
    }

    // The sidecar matches a glob with one bit per segment.
    private static void SegmentCount(List<ConfigError> errors, string field, string? glob)
    {
        if (glob is not null && glob.Split('/', StringSplitOptions.RemoveEmptyEntries).Length > MaxGlobSegments)
        {
            errors.Add(new(field, $"more than {MaxGlobSegments} path segments; shorten the glob"));
        }
    }

    internal static void Range(List<ConfigError> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(new(field, $"{value} is out of range; use a value from {min} to {max}"));
        }
    }

    internal static void OneOf(List<ConfigError> errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new(field, $"{Quote(value)} is not one of: {string.Join(", ", allowed)}"));
        }
    }

    /// <summary>False, with an error, when JSON gave null where <paramref name="what"/> is needed.</summary>
    internal static bool Present<T>(List<ConfigError> errors, string field, [NotNullWhen(true)] T? value, string what)
        where T : class
    {
        if (value is null)
        {
            errors.Add(new(field, $"null is not allowed here; give {what}, or leave the field out for its default"));
        }

        return value is not null;
    }

    /// <summary>False, with an error, for a null entry of a list.</summary>
    internal static bool Entry<T>(List<ConfigError> errors, string field, [NotNullWhen(true)] T? value, string what)
        where T : class
    {
        if (value is null)
        {
            errors.Add(new(field, $"null entry; remove it or give {what}"));
        }

        return value is not null;
    }

    /// <summary>True for a DNS-1123 label: 1-63 lowercase letters, digits and '-'.</summary>
    internal static bool IsName(string? value) => value is not null && StreamName().IsMatch(value);

    internal static string Quote(string? value) => value is null ? "null" : $"'{value}'";

    // A DNS-1123 label, as Kubernetes requires of container names.
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex StreamName();
}
