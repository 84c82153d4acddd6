namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// Prometheus's own programs from the Debian package <c>prometheus</c>: the server and <c>promtool</c>.
/// Tests that need them skip, saying so, only where the package is not installed.
/// </summary>
public static class PrometheusTools
{
    /// <summary>Skips the calling test when <c>prometheus</c> or <c>promtool</c> is not installed.</summary>
    public static async Task SkipUnlessInstalledAsync(CancellationToken cancellationToken)
    {
        foreach (var tool in new[] { "prometheus", "promtool" })
        {
            var version = await ProcessRunner.TryRunAsync(tool, ["--version"], cancellationToken, TimeSpan.FromSeconds(30));
            if (version is null)
            {
                Assert.Skip($"Needs Prometheus's {tool}, which is not installed: apt-get install -y prometheus (.ci/run installs it).");
            }

            Assert.True(version.ExitCode == 0, version.Describe($"{tool} --version"));
        }
    }

    public static Task<ProcessResult> PromtoolAsync(IEnumerable<string> args, string workingDirectory, CancellationToken cancellationToken, string? input = null) =>
        ProcessRunner.RunAsync("promtool", args, cancellationToken, workingDirectory, input: input);
}
