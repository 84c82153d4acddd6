using System.Text.Json;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Monitoring;

/// <summary>
/// The shipped PrometheusRule, checked and unit-tested by Prometheus's own promtool: the rule file is the
/// rendered PrometheusRule's spec, the tests are Monitoring/rules.test.yaml (input series and the alerts,
/// with their labels and text, expected at given times).
/// </summary>
public sealed class PrometheusRuleTests
{
    private const string RuleFile = "logsidecar-rules.yaml";
    private const string TestFile = "rules.test.yaml";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string ShippedTests => Path.Combine(AppContext.BaseDirectory, "Monitoring", TestFile);

    [Fact]
    public async Task TheRuleFilePassesPromtoolsCheck()
    {
        var token = TestContext.Current.CancellationToken;
        using var directory = await RulesDirectoryAsync(token);

        var check = await PrometheusTools.PromtoolAsync(["check", "rules", RuleFile], directory.Path, token);

        Assert.True(check.ExitCode == 0, check.Describe("promtool check rules"));
        var alerts = await MonitoringManifests.AlertsAsync();
        Assert.Contains($"SUCCESS: {alerts.Count} rules found", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAlertFiresOnTroubleAndStaysQuietOtherwiseInPromtoolsUnitTests()
    {
        var token = TestContext.Current.CancellationToken;
        using var directory = await RulesDirectoryAsync(token);
        File.Copy(ShippedTests, directory.File(TestFile));

        var run = await PrometheusTools.PromtoolAsync(["test", "rules", TestFile], directory.Path, token);

        Assert.True(run.ExitCode == 0, run.Describe("promtool test rules"));
        Assert.Contains("SUCCESS", run.Output + run.Error, StringComparison.Ordinal);

        // Each alert has a case where it fires and one where it must not.
        var cases = YamlDocuments.Parse(await File.ReadAllTextAsync(ShippedTests, token))[0]["tests"]!.AsArray()
            .SelectMany(test => test!["alert_rule_test"]!.AsArray())
            .Select(test => (Alert: (string)test!["alertname"]!, Fires: test["exp_alerts"]!.AsArray().Count > 0))
            .ToList();
        Assert.All(await MonitoringManifests.AlertsAsync(), alert =>
        {
            Assert.True(cases.Contains((alert.Name, true)), $"no promtool test case where {alert.Name} fires");
            Assert.True(cases.Contains((alert.Name, false)), $"no promtool test case where {alert.Name} stays quiet");
        });
    }

    /// <summary>A fresh directory holding the rule file (skips the test when promtool is not installed).</summary>
    private static async Task<TempDirectory> RulesDirectoryAsync(CancellationToken cancellationToken)
    {
        await PrometheusTools.SkipUnlessInstalledAsync(cancellationToken);
        var directory = new TempDirectory();
        var groups = await MonitoringManifests.RuleGroupsAsync();
        await File.WriteAllTextAsync(directory.File(RuleFile), groups.ToJsonString(Indented), cancellationToken);
        return directory;
    }
}
