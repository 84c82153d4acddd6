using System.Text;
using System.Text.Json;

namespace LogSidecar.Tests.EndToEnd;

/// <summary>Awkward files read once by the real sidecar process (<c>--once</c>: read to the end, exit).</summary>
public class EdgeCaseTests
{
    [Fact]
    public async Task AwkwardBytesAndFilesComeOutWholeFlaggedOrReplacedNeverDropped()
    {
        using var dir = new TempDirectory();
        var longLine = new string('L', 300 * 1024);
        await File.WriteAllTextAsync(dir.File("long.log"), longLine + "\nafter long\n", TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(dir.File("utf8.log"), [
            .. "lone "u8, 0xFF, .. "|cut "u8, 0xE2, 0x82, .. "|overlong "u8, 0xC0, 0xAF, .. "|surrogate "u8, 0xED, 0xA0, 0x80, (byte)'\n',
            .. "nul "u8, 0x00, .. " inside\r\n"u8,
            .. "crlf line\r\n"u8], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.File("empty.log"), "", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.File("tiny.log"), "t\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.File("open-ended.log"), "complete\nno newline here", TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log"), "--path", dir.File("nothing/*.log"), "--once"]);
        var exitCode = await sidecar.Process.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        var records = sidecar.Process.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        JsonElement Record(string message) => Assert.Single(records, r => r.GetProperty("message").GetString() == message);

        // The long line is cut to 256 KiB and flagged, then split into pieces under the 16 KiB line limit.
        var pieces = records.Where(r => r.TryGetProperty("split", out _)).ToList();
        Assert.All(pieces, p => Assert.True(p.GetProperty("truncated").GetBoolean()));
        Assert.Single(pieces.Select(p => p.GetProperty("split").GetProperty("id").GetString()).Distinct());
        Assert.Equal(new string('L', 256 * 1024), string.Concat(pieces.Select(p => p.GetProperty("message").GetString())));
        Record("after long");
        Record("lone \uFFFD|cut \uFFFD\uFFFD|overlong \uFFFD\uFFFD|surrogate \uFFFD\uFFFD\uFFFD");
        Record("nul \0 inside");
        Record("crlf line");
        Record("t");
        Record("complete");
        Assert.True(Record("no newline here").GetProperty("unterminated").GetBoolean());
        Assert.DoesNotContain(records, r => r.GetProperty("file").GetString()!.EndsWith("empty.log", StringComparison.Ordinal));
        Assert.Contains("nothing matches", sidecar.Process.Errors, StringComparison.Ordinal);

        // Every output line stays under the container runtime's 16 KiB line limit.
        Assert.All(sidecar.Process.Lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) < 16 * 1024));
    }

    [Fact]
    public async Task UnreadableFileIsReportedClearlyAndTheOthersKeepFlowing()
    {
        using var dir = new TempDirectory();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_111_111);
        await File.WriteAllTextAsync(dir.File("good.log"), "readable\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.File("secret.log"), "hidden\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(dir.File("good.log"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(dir.File("secret.log"), UnixFileMode.None);

        // Root reads everything: run the sidecar as an unprivileged user, as it runs in a pod.
        var runAs = Environment.UserName == "root" ? "65534" : null;
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log"), "--once"], runAs);

        Assert.Equal(0, await sidecar.Process.WaitForExitAsync());
        Assert.Equal(["readable"], sidecar.Process.Lines.Select(SidecarProcess.Message));
        Assert.Contains($"Cannot open {dir.File("secret.log")}", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfigurationExitsWithTwoAndNamesEveryBadField()
    {
        var environment = new Dictionary<string, string>
        {
            ["LOGSIDECAR_CONFIG"] = """{"streams":[{"name":"app","paths":["/logs/*.log"],"startAt":"never"}],"output":{"maxRecordBytes":5}}""",
        };

        await using var sidecar = SidecarProcess.Start([], environment: environment);

        Assert.Equal(2, await sidecar.Process.WaitForExitAsync());
        Assert.Contains("streams[0].startAt", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.Contains("output.maxRecordBytes", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.Empty(sidecar.Process.Lines);
    }

    [Fact]
    public async Task NullsInTheEnvironmentConfigurationExitWithTwoAndListEveryProblemWithoutAStackTrace()
    {
        var environment = new Dictionary<string, string>
        {
            ["LOGSIDECAR_CONFIG"] = """{"streams":[null,{"name":"app","paths":null}],"tailing":null,"output":null,"metrics":null,"sinks":[null]}""",
        };

        await using var sidecar = SidecarProcess.Start([], environment: environment);

        Assert.Equal(2, await sidecar.Process.WaitForExitAsync());
        var errors = sidecar.Process.Errors;
        foreach (var field in new[] { "streams[0]:", "streams[1].paths:", "tailing:", "output:", "metrics:", "sinks[0]:" })
        {
            Assert.Contains($"  - {field} null", errors, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Exception", errors, StringComparison.Ordinal);
        Assert.Empty(sidecar.Process.Lines);
    }
}
