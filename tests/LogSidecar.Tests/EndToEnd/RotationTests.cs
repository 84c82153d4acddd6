namespace LogSidecar.Tests.EndToEnd;

/// <summary>
/// Rotation with a real writer process and the real sidecar process: every numbered line must
/// come out exactly once.
/// </summary>
public class RotationTests
{
    [Fact]
    public async Task RenameRotationsFasterThanThePollLoseNothingWhenRotatedNamesAreWatched()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log*")]);

        for (var rotation = 1; rotation <= 20; rotation++)
        {
            await writer.WriteAsync(200);
            File.Move(log, $"{log}.{rotation}");
            await writer.WriteAsync(50); // still into the renamed file: the writer has not reopened yet
            await writer.ReopenAsync();
        }

        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);

        sidecar.AssertEachNumberOnce(writer.Last);
    }

    [Fact]
    public async Task FileRenamedOrDeletedWhileOpenIsReadToItsEndBeforeItIsForgotten()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await using var sidecar = SidecarProcess.Start(["--path", log]);

        for (var rotation = 1; rotation <= 4; rotation++)
        {
            await writer.WriteAsync(300);
            await sidecar.WaitForNumbersAsync(writer.Last);
            File.Move(log, $"{log}.old{rotation}");
            await writer.WriteAsync(400); // only the old file, which no glob matches any more, gets these
            await writer.ReopenAsync();
            if (rotation % 2 == 0)
            {
                File.Delete($"{log}.old{rotation}"); // deleted while still open
            }
        }

        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);

        sidecar.AssertEachNumberOnce(writer.Last);
    }

    [Fact]
    public async Task CopyTruncateAndTruncateAndRewriteRestartAtZeroAndKeepEveryLineThatWasInTheFile()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await using var sidecar = SidecarProcess.Start(["--path", log]);

        for (var round = 1; round <= 4; round++)
        {
            await writer.WriteAsync(500);
            await sidecar.WaitForNumbersAsync(writer.Last);
            File.Copy(log, $"{log}.{round}");
            using (var file = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                file.SetLength(0);
            }

            // Odd rounds: the file is shorter than before when the sidecar looks. Even rounds: it has
            // already grown past the old position, so only the changed first bytes tell.
            await writer.WriteAsync(round % 2 == 1 ? 10 : 3000);
        }

        await sidecar.WaitForNumbersAsync(writer.Last);

        sidecar.AssertEachNumberOnce(writer.Last);
        Assert.Contains("was truncated or rewritten", sidecar.Process.Errors, StringComparison.Ordinal);
    }
}
