namespace LogSidecar.Tests.Checkpoints;

/// <summary>Checkpoint saves that fail while the real sidecar keeps running.</summary>
public class CheckpointerTests
{
    private const string Failed = "Cannot save checkpoints";
    private const string Recovered = "Checkpoints are saved in";

    [Fact]
    public async Task AFailingSaveIsReportedOnceWhenItStartsFailingOnceWhenItRecoversAndCountedMeanwhile()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(10);
        using var endpoint = new MetricsEndpoint();
        await using var sidecar = SidecarProcess.Start(["--path", log, "--checkpoint-dir", dir.File("state"), .. endpoint.Flags]);
        await sidecar.WaitForNumbersAsync(10);
        await endpoint.WaitUntilAsync(m => File.Exists(dir.File("state/checkpoints.json")), "the first save", sidecar.Process);

        // A directory where the temporary file goes makes every save fail, even for root.
        Directory.CreateDirectory(dir.File("state/checkpoints.json.tmp"));
        await writer.WriteAsync(10);
        await sidecar.WaitForNumbersAsync(20);
        var failing = await endpoint.WaitUntilAsync(
            m => MetricsEndpoint.Value(m, "logsidecar_checkpoint_save_failures_total") >= 3 || Count(sidecar.Process.Errors, Failed) > 1,
            "three failed saves",
            sidecar.Process);

        Assert.Equal(1, Count(sidecar.Process.Errors, Failed));
        Assert.Equal(1, MetricsEndpoint.Value(failing, "logsidecar_checkpoint_save_failing"));

        Directory.Delete(dir.File("state/checkpoints.json.tmp"));
        await sidecar.Process.WaitForErrorOutputAsync(Recovered);
        var recovered = await endpoint.ScrapeAsync();

        Assert.Equal(0, MetricsEndpoint.Value(recovered, "logsidecar_checkpoint_save_failing"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        Assert.Equal(1, Count(sidecar.Process.Errors, Failed));
        Assert.Equal(1, Count(sidecar.Process.Errors, Recovered));
    }

    private static int Count(string text, string what) => text.Split('\n').Count(line => line.Contains(what, StringComparison.Ordinal));
}
