using LogSidecar.Cli;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Configuration;

/// <summary>
/// Builds the effective configuration: the file given with <c>--config</c>, else the
/// <c>LOGSIDECAR_CONFIG</c> variable (set by the injector), else defaults; then the flags on top.
/// Every problem is collected and reported at once.
/// </summary>
internal static class ConfigLoader
{
    public const string EnvironmentVariable = "LOGSIDECAR_CONFIG";
    public const string CheckpointSubdirectory = ".logsidecar";

    public static SidecarConfig? Load(CommandLine flags, Func<string, string?> environment, List<ConfigError> errors)
    {
        var config = LoadBase(flags, environment, errors);
        if (config is null)
        {
            return null;
        }

        if (flags.Paths.Count == 0 && new[] { flags.StreamName, flags.StartAt, flags.Format, flags.Regex, flags.Multiline }.Any(flag => flag is not null))
        {
            errors.Add(new("arguments", "--stream, --start-at, --format, --regex and --multiline describe the --path stream; add --path GLOB or set them in the configuration file"));
        }

        // JSON may have put null anywhere: the validator names each; until then nothing below may assume an object is there.
        if (flags.DescribesSink && flags.Sink is null && config.Sinks?.Count != 1)
        {
            errors.Add(new("arguments", "--endpoint, --index, --ca-file and --credentials-dir describe a backend; add --sink (elasticsearch, opensearch, loki or otlp)"));
            return null;
        }

        config = ApplyFlags(config, flags);
        errors.AddRange(SidecarConfigValidator.Validate(config));
        if (errors.Count > 0)
        {
            return null;
        }

        // A source is delivered as one more stream, added once the source itself was found valid.
        if (config.Sources?.Audit is { } audit)
        {
            if (flags.Once)
            {
                errors.Add(new("--once", "the audit webhook source runs until the sidecar is stopped; leave out --once (or the audit source)"));
                return null;
            }

            config = config with { Streams = [.. config.Streams, audit.ToStream()] };
        }

        // The events stream has no files: the watcher tails nothing for it, the source feeds it.
        if (config.Sources?.Events is { } events)
        {
            if (flags.Once)
            {
                errors.Add(new("--once", "the Kubernetes Events source runs until the sidecar is stopped; leave out --once (or the events source)"));
                return null;
            }

            config = config with { Streams = [.. config.Streams, events.ToStream()] };
        }

        return config with { CheckpointDir = config.CheckpointDir ?? DefaultCheckpointDir(config) };
    }

    private static SidecarConfig? LoadBase(CommandLine flags, Func<string, string?> environment, List<ConfigError> errors)
    {
        if (flags.ConfigFile is { } file)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new("--config", $"cannot read {file}: {e.Message}"));
                return null;
            }

            return Parse(text, file, errors);
        }

        return environment(EnvironmentVariable) is { Length: > 0 } json
            ? Parse(json, EnvironmentVariable, errors)
            : new SidecarConfig();
    }

    private static SidecarConfig? Parse(string json, string source, List<ConfigError> errors)
    {
        var config = SidecarConfigReader.Parse(json, source, out var error);
        if (error is not null)
        {
            errors.Add(error);
        }

        return config;
    }

    private static SidecarConfig ApplyFlags(SidecarConfig config, CommandLine flags)
    {
        if (flags.Paths.Count > 0)
        {
            var stream = new StreamConfig
            {
                Name = flags.StreamName ?? StreamConfig.DefaultName,
                Paths = [.. flags.Paths.Select(Path.GetFullPath)],
                StartAt = flags.StartAt ?? StartPositions.Head,
                Format = flags.Format ?? RecordFormats.Plain,
                Regex = flags.Regex,
                Multiline = flags.Multiline switch
                {
                    null => null,
                    var preset when MultilinePresets.All.Contains(preset) => new MultilineConfig { Preset = preset },
                    var firstLine => new MultilineConfig { FirstLine = firstLine },
                },
            };
            config = config with { Streams = [stream] };
        }

        if (flags.DescribesSink)
        {
            config = config with { Sinks = [SinkFromFlags(config, flags)] };
        }

        if (flags.DescribesAudit)
        {
            var sources = config.Sources ?? new SourcesConfig();
            config = config with { Sources = sources with { Audit = AuditFromFlags(sources.Audit ?? new AuditSourceConfig(), flags) } };
        }

        if (flags.DescribesEvents)
        {
            var sources = config.Sources ?? new SourcesConfig();
            config = config with { Sources = sources with { Events = EventsFromFlags(sources.Events ?? new EventsSourceConfig(), flags) } };
        }

        return config with
        {
            Mode = flags.Mode ?? (flags.DescribesSink && config.Mode == DeliveryModes.Stdout ? DeliveryModes.Ship : config.Mode),
            CheckpointDir = flags.CheckpointDir is { } dir ? Path.GetFullPath(dir) : config.CheckpointDir,
            Output = flags.Output is { } format && config.Output is { } output ? output with { Format = format } : config.Output,
            Metrics = flags.MetricsPort is { } port && config.Metrics is { } metrics ? metrics with { Port = port } : config.Metrics,
            LogLevel = flags.LogLevel ?? config.LogLevel,
        };
    }

    /// <summary>The backend the flags describe, on top of the configured one when there is exactly one.</summary>
    private static SinkConfig SinkFromFlags(SidecarConfig config, CommandLine flags)
    {
        var configured = config.Sinks is { Count: 1 } sinks ? sinks[0] : null;
        var sink = configured is not null && (flags.Sink is null || configured.Type == flags.Sink) ? configured : new SinkConfig { Type = flags.Sink! };
        return sink with
        {
            Name = flags.Sink is null ? sink.Name : null,
            Endpoint = flags.Endpoint ?? sink.Endpoint,
            Index = flags.Index ?? sink.Index,
            CaFile = flags.CaFile is { } ca ? Path.GetFullPath(ca) : sink.CaFile,
            CredentialsDir = flags.CredentialsDir is { } dir ? Path.GetFullPath(dir) : sink.CredentialsDir,
        };
    }

    /// <summary>The audit webhook source the flags describe, on top of the configured one; relative files are made absolute.</summary>
    private static AuditSourceConfig AuditFromFlags(AuditSourceConfig audit, CommandLine flags)
    {
        static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
        return audit with
        {
            Listen = flags.AuditListen ?? audit.Listen,
            TlsCert = Full(flags.TlsCert) ?? audit.TlsCert,
            TlsKey = Full(flags.TlsKey) ?? audit.TlsKey,
            ClientCa = Full(flags.ClientCa) ?? audit.ClientCa,
            TokenFile = Full(flags.AuditTokenFile) ?? audit.TokenFile,
            SpoolDir = Full(flags.AuditSpool) ?? audit.SpoolDir,
        };
    }

    /// <summary>The Events source the flags describe, on top of the configured one.</summary>
    private static EventsSourceConfig EventsFromFlags(EventsSourceConfig events, CommandLine flags)
    {
        var lease = flags.EventsLease?.Split('/') switch
        {
            null => events.Lease,
            [var name] => (events.Lease ?? new EventsLeaseConfig()) with { Name = name },
            [var ns, var name] => (events.Lease ?? new EventsLeaseConfig()) with { Namespace = ns, Name = name },
            _ => (events.Lease ?? new EventsLeaseConfig()) with { Name = flags.EventsLease },
        };
        return events with
        {
            Namespaces = flags.EventsNamespaces.Count > 0 ? [.. flags.EventsNamespaces] : events.Namespaces,
            Kubeconfig = flags.Kubeconfig is { } file ? Path.GetFullPath(file) : events.Kubeconfig,
            Lease = lease,
        };
    }

    /// <summary>Inside the shared volume, next to the logs: survives a sidecar restart, goes with the pod. With no files (only sources), the temporary directory.</summary>
    private static string DefaultCheckpointDir(SidecarConfig config) =>
        config.Streams.Find(stream => stream.Paths.Count > 0) is { } first
            ? Path.Combine(new Tailing.PathGlob(first.Paths[0]).BaseDirectory, CheckpointSubdirectory)
            : Path.Combine(Path.GetTempPath(), "logsidecar");
}
