using System.Text.Json.Nodes;

namespace LogSidecar.Tests.Checkpoints;

/// <summary>The checkpoint file lives in the app's volume: whatever it holds, the real sidecar starts, reads everything and sets a bad file aside.</summary>
public class CheckpointStoreTests
{
    public static TheoryData<string> HostileEdits => new(
        "null entry", "negative offset", "future version", "negative fingerprint length", "huge fingerprint length",
        "null path", "null files", "no files", "JSON null", "not JSON", "an array");

    [Theory]
    [MemberData(nameof(HostileEdits))]
    public async Task AnUnusableCheckpointFileIsMovedAsideWithOneMessageAndEveryLineIsReadAgain(string edit)
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await File.WriteAllTextAsync(log, "one\ntwo\nthree\n", TestContext.Current.CancellationToken);
        string[] args = ["--path", log, "--checkpoint-dir", dir.File("state"), "--once"];
        await using (var first = SidecarProcess.Start(args))
        {
            Assert.Equal(0, await first.Process.WaitForExitAsync());
        }

        // A real checkpoint of this very file, then edited as a hostile or buggy app could.
        var saved = dir.File("state/checkpoints.json");
        await File.WriteAllTextAsync(saved, Edit(await File.ReadAllTextAsync(saved, TestContext.Current.CancellationToken), edit), TestContext.Current.CancellationToken);

        await using var second = SidecarProcess.Start(args);

        Assert.True(await second.Process.WaitForExitAsync() == 0, second.Process.Errors);
        Assert.Equal(["one", "two", "three"], second.Process.Lines.Select(SidecarProcess.Message));
        Assert.Single(second.Process.Errors.Split('\n'), line => line.Contains("Checkpoint file cannot be used", StringComparison.Ordinal));
        var aside = Assert.Single(Directory.GetFiles(dir.File("state"), "checkpoints.json.damaged-*"));
        Assert.Contains(aside, second.Process.Errors, StringComparison.Ordinal);

        // The next start trusts the new file: nothing is read twice more.
        await using var third = SidecarProcess.Start(args);
        Assert.True(await third.Process.WaitForExitAsync() == 0, third.Process.Errors);
        Assert.Empty(third.Process.Lines);
    }

    [Fact]
    public async Task ACheckpointDirectoryThatIsAFileIsReportedAsAFile()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("app.log"), "one\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(dir.File("state"), "", TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log"), "--checkpoint-dir", dir.File("state"), "--once"]);

        Assert.Equal(2, await sidecar.Process.WaitForExitAsync());
        Assert.Contains($"checkpoint directory {dir.File("state")} is a file, not a directory", sidecar.Process.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("already exists", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    private static string Edit(string json, string edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var entry = root["files"]![0]!.AsObject();
        switch (edit)
        {
            case "null entry":
                root["files"] = new JsonArray(null, entry.DeepClone());
                break;
            case "negative offset":
                entry["offset"] = -5;
                break;
            case "future version":
                root["version"] = 99;
                break;
            case "negative fingerprint length":
                entry["fingerprintLength"] = -1;
                break;
            case "huge fingerprint length":
                entry["fingerprintLength"] = int.MaxValue;
                break;
            case "null path":
                entry["path"] = null;
                break;
            case "null files":
                root["files"] = null;
                break;
            case "no files":
                root.Remove("files");
                break;
            case "JSON null":
                return "null";
            case "not JSON":
                return "{\"version\":1,\"files\":[{\"dev";
            case "an array":
                return "[]";
            default:
                throw new ArgumentException(edit, nameof(edit));
        }

        return root.ToJsonString();
    }
}
