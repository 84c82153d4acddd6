using System.Globalization;

namespace LogSidecar.Cli;

/// <summary>The flags given on the command line; unset ones leave the configuration as it is.</summary>
internal sealed record CommandLine
{
    public string? ConfigFile { get; init; }

    public List<string> Paths { get; init; } = [];

    public string? StreamName { get; init; }

    public string? StartAt { get; init; }

    public string? Format { get; init; }

    public string? Regex { get; init; }

    public string? Multiline { get; init; }

    public string? Output { get; init; }

    public string? Mode { get; init; }

    public string? Sink { get; init; }

    public string? Endpoint { get; init; }

    public string? Index { get; init; }

    public string? CaFile { get; init; }

    public string? CredentialsDir { get; init; }

    /// <summary>True when a flag describes a backend, so the flags build one sink.</summary>
    public bool DescribesSink => new[] { Sink, Endpoint, Index, CaFile, CredentialsDir }.Any(flag => flag is not null);

    public string? CheckpointDir { get; init; }

    public string? AuditListen { get; init; }

    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    public string? ClientCa { get; init; }

    public string? AuditTokenFile { get; init; }

    public string? AuditSpool { get; init; }

    /// <summary>True when a flag describes the audit webhook source, so the flags configure it.</summary>
    public bool DescribesAudit => new[] { AuditListen, TlsCert, TlsKey, ClientCa, AuditTokenFile, AuditSpool }.Any(flag => flag is not null);

    public bool Events { get; init; }

    public IReadOnlyList<string> EventsNamespaces { get; init; } = [];

    public string? Kubeconfig { get; init; }

    public string? EventsLease { get; init; }

    /// <summary>True when a flag describes the Kubernetes Events source, so the flags configure it.</summary>
    public bool DescribesEvents => Events || EventsNamespaces.Count > 0 || Kubeconfig is not null || EventsLease is not null;

    public int? MetricsPort { get; init; }

    public string? LogLevel { get; init; }

    public bool Once { get; init; }

    public bool Help { get; init; }

    public bool Version { get; init; }

    /// <summary>Parses <paramref name="args"/>; every unknown flag or missing value is reported.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, List<string> errors)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal)
                ? (arg[..arg.IndexOf('=', StringComparison.Ordinal)], arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..])
                : (arg, null);

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                errors.Add($"{name} needs a value");
                return null;
            }

            result = name switch
            {
                "--config" or "-c" => result with { ConfigFile = Value() },
                "--path" or "-p" => Value() is { } path ? result with { Paths = [.. result.Paths, path] } : result,
                "--stream" => result with { StreamName = Value() },
                "--start-at" => result with { StartAt = Value() },
                "--format" or "-f" => result with { Format = Value() },
                "--regex" => result with { Regex = Value() },
                "--multiline" or "-m" => result with { Multiline = Value() },
                "--output" or "-o" => result with { Output = Value() },
                "--mode" => result with { Mode = Value() },
                "--sink" => result with { Sink = Value() },
                "--endpoint" => result with { Endpoint = Value() },
                "--index" => result with { Index = Value() },
                "--ca-file" => result with { CaFile = Value() },
                "--credentials-dir" => result with { CredentialsDir = Value() },
                "--checkpoint-dir" => result with { CheckpointDir = Value() },
                "--audit-listen" => result with { AuditListen = Value() },
                "--tls-cert" => result with { TlsCert = Value() },
                "--tls-key" => result with { TlsKey = Value() },
                "--client-ca" => result with { ClientCa = Value() },
                "--audit-token-file" => result with { AuditTokenFile = Value() },
                "--audit-spool" => result with { AuditSpool = Value() },
                "--events" => result with { Events = true },
                "--events-namespace" => Value() is { } ns ? result with { EventsNamespaces = [.. result.EventsNamespaces, .. ns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] } : result,
                "--kubeconfig" => result with { Kubeconfig = Value() },
                "--events-lease" => result with { EventsLease = Value() },
                "--metrics-port" => result with { MetricsPort = ParsePort(Value(), errors) },
                "--log-level" => result with { LogLevel = Value() },
                "--once" => result with { Once = true },
                "--help" or "-h" => result with { Help = true },
                "--version" => result with { Version = true },
                _ => Unknown(result, arg, errors),
            };
        }

        return result;
    }

    private static int? ParsePort(string? value, List<string> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }

        errors.Add($"--metrics-port: '{value}' is not a number; give a port from 0 (off) to 65535");
        return null;
    }

    private static CommandLine Unknown(CommandLine result, string arg, List<string> errors)
    {
        errors.Add($"unknown argument '{arg}'; see --help");
        return result;
    }
}
