using System.Diagnostics;

namespace LogSidecar.Tests.Shipping.RealBackends;

/// <summary>Whether a Docker engine answers here; tests against real backends skip with the reason when none does.</summary>
internal static class DockerEngine
{
    /// <summary>Why there is no usable engine, or null when <c>docker info</c> reaches one.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "info", "--format", "{{.ServerVersion}}" })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var docker = Process.Start(start)!;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var output = docker.StandardOutput.ReadToEndAsync(limit.Token);
            var error = docker.StandardError.ReadToEndAsync(limit.Token);
            await docker.WaitForExitAsync(limit.Token);
            if (docker.ExitCode == 0 && !string.IsNullOrWhiteSpace(await output))
            {
                return null;
            }

            var firstLine = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return $"docker info cannot reach an engine ({firstLine ?? $"exit code {docker.ExitCode}"})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker command is not installed";
        }
    }

    /// <summary>Skips the calling test, saying why, when there is no engine.</summary>
    public static async Task RequireAsync(string backend)
    {
        if (await UnavailableReasonAsync() is { } reason)
        {
            Assert.Skip($"Needs a Docker engine to run {backend} with Testcontainers: {reason}.");
        }
    }
}
