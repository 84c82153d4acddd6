using System.Diagnostics;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>The built <c>logsidecar-injector</c> run as a child process, as a user runs it.</summary>
public static class InjectorProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> args, string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var token = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(typeof(PodInjector).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), token);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(token);
        var error = process.StandardError.ReadToEndAsync(token);
        await process.WaitForExitAsync(token);
        return (process.ExitCode, await output, await error);
    }
}
