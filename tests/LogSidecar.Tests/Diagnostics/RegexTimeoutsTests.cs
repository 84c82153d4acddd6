using System.Text.Json;

namespace LogSidecar.Tests.Diagnostics;

/// <summary>Catastrophic format and multiline patterns in the real sidecar: linear where they can be, counted and reported where they cannot.</summary>
public class RegexTimeoutsTests
{
    private static readonly string AlmostMatching = new string('a', 28) + "!";

    [Fact]
    public async Task ACatastrophicMultilinePatternRunsInLinearTimeSoLinesItDoesNotMatchAreJoined()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await File.WriteAllLinesAsync(log, ["aaaa", AlmostMatching, AlmostMatching, AlmostMatching], TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--path", log, "--multiline", "^(a+)+$", "--once"]);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        var record = Assert.Single(sidecar.Process.Lines);
        Assert.Equal(string.Join('\n', ["aaaa", AlmostMatching, AlmostMatching, AlmostMatching]), SidecarProcess.Message(record));
        Assert.DoesNotContain("took longer", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABacktrackingFormatPatternThatTimesOutIsCountedForEveryLineAndReportedOnce()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await File.WriteAllLinesAsync(log, [AlmostMatching, AlmostMatching, AlmostMatching], TestContext.Current.CancellationToken);
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = SidecarProcess.Start(["--path", log, "--format", "regex", "--regex", @"^(?=\w)(?<message>(\w+\s?)+)$", .. endpoint.Flags]);
        await sidecar.Process.WaitUntilAsync(lines => lines.Count == 3, "the three records");
        var metrics = await endpoint.ScrapeAsync();

        Assert.All(sidecar.Process.Lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.StartsWith("regex took longer than 250 ms", json.RootElement.GetProperty("parse_error").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(3, MetricsEndpoint.Value(metrics, "logsidecar_regex_timeouts_total{stream=\"app\",regex=\"format\"}"));
        var errors = sidecar.Process.Errors.Split('\n');
        Assert.Single(errors, line => line.Contains("the format regex took longer than 250 ms", StringComparison.Ordinal));
        Assert.Single(errors, line => line.Contains("cannot run on the linear-time engine", StringComparison.Ordinal));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }
}
