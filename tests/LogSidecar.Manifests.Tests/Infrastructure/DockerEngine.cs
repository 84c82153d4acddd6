namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>Whether a Docker engine answers here: tests that need one skip with the reason when it does not.</summary>
public static class DockerEngine
{
    /// <summary>Why there is no usable Docker engine, or null when <c>docker info</c> reaches one.</summary>
    public static async Task<string?> UnavailableReasonAsync(CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.TryRunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], cancellationToken, TimeSpan.FromSeconds(30));
        if (result is null)
        {
            return "the docker command is not installed";
        }

        if (result.ExitCode != 0 || string.IsNullOrWhiteSpace(result.Output))
        {
            var firstLine = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return $"docker info cannot reach an engine ({firstLine ?? $"exit code {result.ExitCode}"})";
        }

        return null;
    }
}
