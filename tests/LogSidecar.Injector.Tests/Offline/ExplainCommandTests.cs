using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Offline;

/// <summary><c>inject --explain</c> run as a process on a real file: decisions, values and sources, no manifests.</summary>
public sealed class ExplainCommandTests
{
    private const string Input = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          labels: {logsidecar.io/injection: enabled}
          annotations:
            logsidecar.io/memory: 128Mi
            logsidecar.io/cpu: lots
            logsidecar.io/sink: loki
            logsidecar.io/endpoint: http://loki.logging:3100
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata:
              annotations: {logsidecar.io/paths: access.log, logsidecar.io/mode: both}
            spec:
              containers: [{name: web, image: registry.example/web:1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: quiet, namespace: shop, labels: {logsidecar.io/inject: "false"}}
        spec:
          containers: [{name: app, image: registry.example/app:1}]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report, namespace: reports}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: report, image: registry.example/report:1}]
        """;

    private static async Task<(int ExitCode, string[] Lines, string Error)> ExplainAsync(string input)
    {
        using var directory = new TempDirectory();
        var file = directory.File("manifests.yaml");
        await File.WriteAllTextAsync(file, input, TestContext.Current.CancellationToken);
        var (exitCode, output, error) = await InjectorProcess.RunAsync(["inject", "--explain", "-f", file, "--native", "always"]);
        return (exitCode, output.Split('\n').Select(line => line.TrimEnd()).ToArray(), error);
    }

    private static string[] Section(string[] lines, string heading)
    {
        var start = Array.FindIndex(lines, line => line.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no section {heading} in:\n{string.Join('\n', lines)}");
        var end = Array.FindIndex(lines, start, line => line.Length == 0);
        return lines[start..end];
    }

    /// <summary>The source and value of <paramref name="key"/>, with the column padding collapsed.</summary>
    private static string ValueLine(string[] section, string key)
    {
        var line = Assert.Single(section, line => line.StartsWith($"  {key} ", StringComparison.Ordinal));
        return string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
    }

    [Fact]
    public async Task EachPodTemplateGetsItsDecisionAndEveryKeysValueWithItsSource()
    {
        var (exitCode, lines, error) = await ExplainAsync(Input);

        Assert.True(exitCode == 0, error);
        Assert.Empty(error);
        Assert.DoesNotContain(lines, line => line.Contains("apiVersion", StringComparison.Ordinal) || line.Contains("LOGSIDECAR_CONFIG", StringComparison.Ordinal));

        var web = Section(lines, "Deployment shop/web (document 2): injected");
        Assert.Equal("pod 'access.log'", ValueLine(web, "logsidecar.io/paths"));
        Assert.Equal("pod 'both'", ValueLine(web, "logsidecar.io/mode"));
        Assert.Equal("namespace 'loki'", ValueLine(web, "logsidecar.io/sink"));
        Assert.Equal("namespace '128Mi'", ValueLine(web, "logsidecar.io/memory"));
        Assert.Equal("default /var/log/app", ValueLine(web, "logsidecar.io/mount-path"));
        Assert.Equal("default true", ValueLine(web, "logsidecar.io/native"));
        Assert.Equal("default 50m (namespace value 'lots' ignored, see the warning)", ValueLine(web, "logsidecar.io/cpu"));
        Assert.Contains("  warning: namespace shop annotation logsidecar.io/cpu: 'lots' is not a positive Kubernetes quantity (such as 100m or 128Mi); using the default 50m", web);

        var quiet = Section(lines, "Pod shop/quiet (document 3): not injected: it opts out with logsidecar.io/inject: \"false\"");
        Assert.Equal("default stdout", ValueLine(quiet, "logsidecar.io/mode"));
        Assert.Equal("default (none) (namespace value 'loki' not used)", ValueLine(quiet, "logsidecar.io/sink"));

        var report = Section(lines, "CronJob reports/report (document 4): injected");
        Assert.Contains("  namespace reports: no Namespace document in the input, so no namespace defaults", report);
        Assert.Equal("default 64Mi", ValueLine(report, "logsidecar.io/memory"));
    }

    [Fact]
    public async Task APodThatWouldBeDeniedIsExplainedWithTheReasonAndExitCodeOne()
    {
        var (exitCode, lines, error) = await ExplainAsync(Input.Replace("logsidecar.io/memory: 128Mi", "logsidecar.io/mount-path: /proc/logs", StringComparison.Ordinal));

        Assert.True(exitCode == 1, error);
        var web = Section(lines, "Deployment shop/web (document 2): denied: logsidecar: namespace shop annotation logsidecar.io/mount-path:");
        Assert.Equal("default /var/log/app (namespace value '/proc/logs' not used: the pod is denied)", ValueLine(web, "logsidecar.io/mount-path"));
    }
}
