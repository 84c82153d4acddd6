using System.Reflection;
using System.Runtime.InteropServices;
using LogSidecar.Cli;
using LogSidecar.Configuration;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Hosting;
using LogSidecar.Sinks.Stdout;
using Microsoft.Extensions.Logging;

var argErrors = new List<string>();
var flags = CommandLine.Parse(args, argErrors);
if (flags.Help)
{
    await Console.Out.WriteLineAsync(Usage.Text);
    return 0;
}

if (flags.Version)
{
    await Console.Out.WriteLineAsync(typeof(SidecarHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    return 0;
}

var configErrors = argErrors.Select(e => new ConfigError("arguments", e)).ToList();
var config = ConfigLoader.Load(flags, Environment.GetEnvironmentVariable, configErrors);
if (config is null || configErrors.Count > 0)
{
    await Console.Error.WriteLineAsync("logsidecar: invalid configuration:");
    foreach (var error in configErrors)
    {
        await Console.Error.WriteLineAsync($"  - {error}");
    }

    return 2;
}

var level = config.LogLevel switch
{
    DiagnosticLevels.Debug => LogLevel.Debug,
    DiagnosticLevels.Warn => LogLevel.Warning,
    DiagnosticLevels.Error => LogLevel.Error,
    _ => LogLevel.Information,
};
using var diagnostics = new StderrLoggerProvider(level, Console.Error);
using var loggers = new SimpleLoggerFactory(diagnostics);

// SIGTERM (kubelet) and SIGINT (Ctrl+C) start the orderly drain; a second signal is not needed.
using var shutdown = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

await using var stdout = StandardOutput.Open();
var host = new SidecarHost(config, stdout, Console.Error, loggers, TimeProvider.System);
return await host.RunAsync(flags.Once, shutdown.Token);
