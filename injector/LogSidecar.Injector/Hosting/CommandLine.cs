namespace LogSidecar.Injector.Hosting;

/// <summary>Parsed arguments: <c>serve</c> (default), <c>inject</c> or <c>check</c>, and their flags.</summary>
internal sealed record CommandLine
{
    public string Command { get; init; } = "serve";

    public bool Help { get; init; }

    public bool Version { get; init; }

    public string? ConfigFile { get; init; }

    public string? InputFile { get; init; }

    /// <summary><c>inject --explain</c>: say why each pod template is (not) injected and where each value comes from, instead of printing manifests.</summary>
    public bool Explain { get; init; }

    public string Output { get; init; } = "yaml";

    public string? Listen { get; init; }

    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    public string? Image { get; init; }

    public string? Native { get; init; }

    public string? KubernetesVersion { get; init; }

    public static CommandLine Parse(IReadOnlyList<string> args, List<string> errors)
    {
        var result = new CommandLine();
        var i = 0;
        if (args.Count > 0 && args[0] is "serve" or "inject" or "check")
        {
            result = result with { Command = args[0] };
            i = 1;
        }

        for (; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                errors.Add($"{arg} needs a value");
                return null;
            }

            result = arg switch
            {
                "-h" or "--help" => result with { Help = true },
                "--version" => result with { Version = true },
                "--config" => result with { ConfigFile = Value() },
                "-f" or "--filename" => result with { InputFile = Value() },
                "--explain" => result with { Explain = true },
                "-o" or "--output" => result with { Output = Value() ?? result.Output },
                "--listen" => result with { Listen = Value() },
                "--tls-cert" => result with { TlsCert = Value() },
                "--tls-key" => result with { TlsKey = Value() },
                "--image" => result with { Image = Value() },
                "--native" => result with { Native = Value() },
                "--kube-version" => result with { KubernetesVersion = Value() },
                _ => Unknown(result, arg, errors),
            };
        }

        if (result.Command == "inject" && !result.Help && result.InputFile is null)
        {
            errors.Add("inject needs -f FILE (or -f - for standard input)");
        }

        if (result.Explain && result.Command != "inject")
        {
            errors.Add("--explain goes with inject: logsidecar-injector inject --explain -f FILE");
        }

        if (result.Output is not ("yaml" or "json"))
        {
            errors.Add($"-o {result.Output}: use yaml or json");
        }

        return result;
    }

    private static CommandLine Unknown(CommandLine result, string arg, List<string> errors)
    {
        errors.Add($"unknown argument '{arg}'; see --help");
        return result;
    }
}
