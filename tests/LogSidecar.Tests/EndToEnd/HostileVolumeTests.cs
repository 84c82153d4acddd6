using System.IO.Compression;
using System.Text;

namespace LogSidecar.Tests.EndToEnd;

/// <summary>
/// The shared volume belongs to the app: what it can put there (links out of the volume, FIFOs,
/// sockets, link loops, compressed rotations) against the real sidecar process, with real files,
/// real links, a real FIFO and a real SIGTERM.
/// </summary>
public class HostileVolumeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinksLeadingOutOfTheGlobsDirectoryAreNeverReadAndAreReportedOnce()
    {
        using var volume = new TempDirectory();
        using var elsewhere = new TempDirectory(); // stands for the sidecar's credentials mount
        await File.WriteAllTextAsync(elsewhere.File("password"), "s3cr3t-password\n", Cancel);
        await File.WriteAllTextAsync(elsewhere.File("other.log"), "s3cr3t-log\n", Cancel);
        Directory.CreateDirectory(volume.File("real"));
        await File.WriteAllTextAsync(volume.File("real/app-1.log"), "through an inside link\n", Cancel);
        await File.WriteAllTextAsync(volume.File("good.log"), "plain line\n", Cancel);
        File.CreateSymbolicLink(volume.File("x.log"), elsewhere.File("password"));
        File.CreateSymbolicLink(volume.File("env.log"), "/proc/self/environ");
        File.CreateSymbolicLink(volume.File("current.log"), "real/app-1.log");
        Directory.CreateSymbolicLink(volume.File("mounted"), elsewhere.Path);
        using var endpoint = new MetricsEndpoint();
        var environment = new Dictionary<string, string> { ["LOGSIDECAR_TEST_MARKER"] = "environ-was-read" };

        await using var sidecar = SidecarProcess.Start(
            ["--path", volume.File("**"), .. endpoint.Flags], environment: environment);
        await sidecar.Process.WaitForErrorOutputAsync("First scan found");
        foreach (var skipped in new[] { "x.log", "env.log", "mounted" })
        {
            await sidecar.Process.WaitForErrorOutputAsync($"Skipping {volume.File(skipped)}: it resolves to ");
        }

        // Two files written later prove that later polls ran, and reported nothing again.
        await WriteAndWaitAsync(sidecar, volume.File("later-1.log"), "later one");
        await WriteAndWaitAsync(sidecar, volume.File("later-2.log"), "later two");
        Assert.Equal(3, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_paths_skipped_total{reason=\"outside_root\"}"));

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        var messages = sidecar.Process.Lines.Select(SidecarProcess.Message).ToList();
        Assert.Equal(["later one", "later two", "plain line", "through an inside link"], messages.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("s3cr3t", StringComparison.Ordinal) || m.Contains("environ-was-read", StringComparison.Ordinal));
        Assert.Equal(1, Occurrences(sidecar.Process.Errors, $"Skipping {volume.File("x.log")}:"));
        Assert.Equal(1, Occurrences(sidecar.Process.Errors, $"Skipping {volume.File("env.log")}:"));
    }

    [Fact]
    public async Task FifoAndSocketNamedLikeLogsAreSkippedAndSigtermStillEndsTheSidecar()
    {
        using var volume = new TempDirectory();
        SpecialFiles.MakeFifo(volume.File("app.log"));
        using var socket = SpecialFiles.BindSocket(volume.File("sock.log"));
        await File.WriteAllTextAsync(volume.File("good.log"), "regular line\n", Cancel);
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = SidecarProcess.Start(["--path", volume.File("*.log"), .. endpoint.Flags]);

        // Readiness comes: the FIFO did not block the first scan.
        await sidecar.Process.WaitForErrorOutputAsync("First scan found");
        await sidecar.Process.WaitForErrorOutputAsync($"Skipping {volume.File("app.log")}: it is a FIFO");
        await sidecar.Process.WaitForErrorOutputAsync($"Skipping {volume.File("sock.log")}: it is a socket");
        await sidecar.Process.WaitUntilAsync(lines => lines.Count == 1, "the regular file's line");
        Assert.Equal(2, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_paths_skipped_total{reason=\"not_regular\"}"));

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        Assert.Equal(["regular line"], sidecar.Process.Lines.Select(SidecarProcess.Message));
    }

    [Fact]
    public async Task TrailingDoubleStarReadsFilesAtEveryDepth()
    {
        using var volume = new TempDirectory();
        Directory.CreateDirectory(volume.File("a/b/c"));
        await File.WriteAllTextAsync(volume.File("top.log"), "top\n", Cancel);
        await File.WriteAllTextAsync(volume.File("a/middle.txt"), "middle\n", Cancel);
        await File.WriteAllTextAsync(volume.File("a/b/c/deep.log"), "deep\n", Cancel);

        await using var sidecar = SidecarProcess.Start(["--path", volume.File("**"), "--once"]);

        Assert.Equal(0, await sidecar.Process.WaitForExitAsync());
        Assert.Equal(["deep", "middle", "top"], sidecar.Process.Lines.Select(SidecarProcess.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DirectoryLinkLoopsEndInBoundedMemoryAndEachFileIsReadOnce()
    {
        using var volume = new TempDirectory();
        LoopingTree(volume);

        // A heap capped as in a 64Mi pod: a walk that follows the loops runs out of it.
        await using var sidecar = SidecarProcess.Start(["--path", volume.File("**/*.log"), "--once"], environment: SmallHeap);

        Assert.Equal(0, await sidecar.Process.WaitForExitAsync());
        Assert.Equal(["in a", "in top"], sidecar.Process.Lines.Select(SidecarProcess.Message).Order(StringComparer.Ordinal));

        // Which path reaches a/ first (a or alias) depends on the listing order; the four loops do not.
        Assert.Equal(4, Occurrences(sidecar.Process.Errors, "(a link loop)"));
        Assert.Equal(1, Occurrences(sidecar.Process.Errors, $"Not entering {volume.File("back")}: it leads back to {volume.Path},"));
    }

    [Fact]
    public async Task SigtermDuringTheScanOfALoopingTreeEndsTheSidecarWithinTheBudget()
    {
        using var volume = new TempDirectory();
        LoopingTree(volume);
        var environment = new Dictionary<string, string>(SmallHeap)
        {
            ["LOGSIDECAR_CONFIG"] = """{"streams":[{"name":"app","paths":["/unused"]}],"shutdownBudgetSeconds":5}""",
        };

        await using var sidecar = SidecarProcess.Start(["--path", volume.File("**/*.log")], environment: environment);
        await sidecar.Process.WaitForErrorOutputAsync("Started:");

        // Sent as discovery begins: the exit code says the drain finished inside the budget.
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }

    [Fact]
    public async Task CompressedRotationsAreSkippedReportedOnceAndCounted()
    {
        using var volume = new TempDirectory();
        var log = volume.File("app.log");
        await File.WriteAllTextAsync(log, "current\n", Cancel);
        await File.WriteAllTextAsync(log + ".1", "rotated\n", Cancel);
        await File.WriteAllBytesAsync(log + ".2.gz", Gzip("compressed line\n"), Cancel);
        await File.WriteAllBytesAsync(log + ".3.bz2", [.. "BZh9"u8, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, .. "compressed\n"u8], Cancel);
        await File.WriteAllBytesAsync(log + ".4.xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, .. "compressed\n"u8], Cancel);
        await File.WriteAllBytesAsync(log + ".5.zst", [0x28, 0xB5, 0x2F, 0xFD, .. "compressed\n"u8], Cancel);

        // What gzip does while compressing a rotation: the file exists, empty, before its first bytes.
        await File.WriteAllBytesAsync(log + ".6.gz", [], Cancel);
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = SidecarProcess.Start(["--path", log + "*", .. endpoint.Flags]);
        await sidecar.Process.WaitForErrorOutputAsync("First scan found");
        await File.WriteAllBytesAsync(log + ".6.gz", Gzip("compressed late\n"), Cancel);
        await sidecar.Process.WaitForErrorOutputAsync($"Skipping {log}.6.gz: it is gzip-compressed");
        await WriteAndWaitAsync(sidecar, log + ".7", "after");
        await WriteAndWaitAsync(sidecar, log + ".8", "later");

        foreach (var (name, format) in new[] { (".2.gz", "gzip"), (".3.bz2", "bzip2"), (".4.xz", "xz"), (".5.zst", "zstd"), (".6.gz", "gzip") })
        {
            Assert.Equal(1, Occurrences(sidecar.Process.Errors, $"Skipping {log}{name}: it is {format}-compressed"));
        }

        Assert.Equal(5, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_paths_skipped_total{reason=\"compressed\"}"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        Assert.Equal(["after", "current", "later", "rotated"], sidecar.Process.Lines.Select(SidecarProcess.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ScanLimitsFromTheConfigurationBoundDiscoveryAndAreReportedOnce()
    {
        using var volume = new TempDirectory();
        Directory.CreateDirectory(volume.File("flat"));
        for (var i = 0; i < 110; i++)
        {
            await File.WriteAllTextAsync(volume.File($"flat/{i:D3}.log"), $"flat {i}\n", Cancel);
        }

        Directory.CreateDirectory(volume.File("deep/1/2"));
        await File.WriteAllTextAsync(volume.File("deep/1/ok.log"), "one level down\n", Cancel);
        await File.WriteAllTextAsync(volume.File("deep/1/2/too-deep.log"), "two levels down\n", Cancel);
        var environment = new Dictionary<string, string>
        {
            ["LOGSIDECAR_CONFIG"] = $$$"""
                {"streams":[{"name":"flat","paths":["{{{volume.File("flat/*.log")}}}"]},{"name":"deep","paths":["{{{volume.File("deep/**")}}}"]}],
                 "checkpointDir":"{{{volume.File("state")}}}","tailing":{"maxScanEntries":100,"maxDepth":1}}
                """,
        };
        using var endpoint = new MetricsEndpoint();

        await using var sidecar = SidecarProcess.Start([.. endpoint.Flags], environment: environment);
        await sidecar.Process.WaitForErrorOutputAsync("the scan stopped after tailing.maxScanEntries (100)");
        await sidecar.Process.WaitForErrorOutputAsync($"Not scanning {volume.File("deep/1/2")} or below: deeper than tailing.maxDepth (1)");
        await WriteAndWaitAsync(sidecar, volume.File("deep/1/later-1.log"), "later one");
        await WriteAndWaitAsync(sidecar, volume.File("deep/1/later-2.log"), "later two");

        Assert.True(MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_scans_cut_short_total") >= 2);
        Assert.Equal(1, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_paths_skipped_total{reason=\"too_deep\"}"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        var messages = sidecar.Process.Lines.Select(SidecarProcess.Message).ToList();
        Assert.Equal(100, messages.Count(m => m.StartsWith("flat ", StringComparison.Ordinal)));
        Assert.Equal(["later one", "later two", "one level down"], messages.Where(m => !m.StartsWith("flat ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(1, Occurrences(sidecar.Process.Errors, "the scan stopped after tailing.maxScanEntries"));
        Assert.Equal(1, Occurrences(sidecar.Process.Errors, "deeper than tailing.maxDepth"));
    }

    private static Dictionary<string, string> SmallHeap => new() { ["DOTNET_GCHeapHardLimit"] = "0x4000000" };

    /// <summary>A file at the top and one in a/, with every kind of loop and alias an app can make.</summary>
    private static void LoopingTree(TempDirectory volume)
    {
        Directory.CreateDirectory(volume.File("a"));
        File.WriteAllText(volume.File("top.log"), "in top\n");
        File.WriteAllText(volume.File("a/app.log"), "in a\n");
        Directory.CreateSymbolicLink(volume.File("a/loop"), "..");
        Directory.CreateSymbolicLink(volume.File("a/self"), ".");
        Directory.CreateSymbolicLink(volume.File("back"), volume.Path);
        Directory.CreateSymbolicLink(volume.File("alias"), "a");
        Directory.CreateSymbolicLink(volume.File("a/alias-of-top"), volume.Path);
    }

    private static async Task WriteAndWaitAsync(SidecarProcess sidecar, string path, string line)
    {
        await File.WriteAllTextAsync(path, line + "\n", Cancel);
        await sidecar.Process.WaitUntilAsync(lines => lines.Any(l => SidecarProcess.Message(l) == line), $"'{line}' from {path}");
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
