namespace LogSidecar.TestSupport;

/// <summary>Whether a Docker engine answers here: tests that need one (Testcontainers) skip with the reason when none does.</summary>
public static class DockerEngine
{
    /// <summary>Why there is no usable Docker engine, or null when <c>docker info</c> reaches one.</summary>
    public static async Task<string?> UnavailableReasonAsync(CancellationToken cancellationToken = default)
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

    /// <summary>Skips the calling test, saying why, when there is no engine to run <paramref name="what"/> in.</summary>
    public static async Task RequireAsync(string what, CancellationToken cancellationToken = default)
    {
        if (await UnavailableReasonAsync(cancellationToken) is { } reason)
        {
            Assert.Skip($"Needs a Docker engine to run {what} with Testcontainers: {reason}.");
        }
    }
}
