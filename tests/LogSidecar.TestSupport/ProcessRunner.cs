using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace LogSidecar.TestSupport;

/// <summary>
/// Runs a program to its end and collects its output. The timeout only bounds a hung program
/// (a failing test), it never decides a result.
/// </summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="fileName"/>; <paramref name="input"/>, when given, is its standard input.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, CancellationToken cancellationToken, string? workingDirectory = null, TimeSpan? timeout = null, string? input = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout ?? DefaultTimeout);
        var output = process.StandardOutput.ReadToEndAsync(bounded.Token);
        var error = process.StandardError.ReadToEndAsync(bounded.Token);
        if (input is not null)
        {
            // After the readers start, so a program that answers while it reads cannot fill a pipe and stall.
            await process.StandardInput.WriteAsync(input.AsMemory(), bounded.Token);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }

    /// <summary>Whether <paramref name="fileName"/> can be started at all (it is installed and on PATH).</summary>
    public static async Task<ProcessResult?> TryRunAsync(string fileName, IEnumerable<string> args, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        try
        {
            return await RunAsync(fileName, args, cancellationToken, timeout: timeout);
        }
        catch (Win32Exception)
        {
            return null;
        }
    }
}
