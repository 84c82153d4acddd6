using System.Text.Json;
using LogSidecar.Pipeline;

namespace LogSidecar.Checkpoints;

/// <summary>
/// Reads and atomically replaces <c>checkpoints.json</c>: the new content is written to a temporary
/// file, flushed to disk, then renamed over the old one, so a crash leaves either the old or the new
/// file, never a torn one.
/// </summary>
internal sealed class CheckpointStore(string directory)
{
    public const string FileName = "checkpoints.json";

    public string Directory { get; } = directory;

    private string FilePath => Path.Combine(Directory, FileName);

    /// <summary>Creates the directory and proves it is writable; the message says what to change otherwise.</summary>
    public bool TryPrepare(out string? error)
    {
        if (File.Exists(Directory))
        {
            error = $"checkpoint directory {Directory} is a file, not a directory; remove the file or set checkpointDir (flag --checkpoint-dir) to a directory in the shared volume";
            return false;
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var probe = Path.Combine(Directory, ".write-test");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"checkpoint directory {Directory} is not writable ({e.Message}); set checkpointDir (flag --checkpoint-dir) to a writable directory in the shared volume";
            return false;
        }
    }

    /// <summary>The saved checkpoints, none on the very first start, or why the file cannot be used.</summary>
    public CheckpointLoad Load()
    {
        if (!File.Exists(FilePath))
        {
            return CheckpointLoad.None;
        }

        try
        {
            using var stream = File.OpenRead(FilePath);
            var file = JsonSerializer.Deserialize(stream, CheckpointJsonContext.Default.CheckpointFile);
            return file?.Problem() is { } problem ? CheckpointLoad.Unusable(problem)
                : file is null ? CheckpointLoad.Unusable("the file holds JSON null")
                : CheckpointLoad.Loaded(file.Files);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return CheckpointLoad.Unusable(e.Message);
        }
    }

    /// <summary>Renames the checkpoint file to <c>checkpoints.json.damaged-SUFFIX</c> so it is kept for a person to look at; returns the new path.</summary>
    public string SetAside(string suffix)
    {
        var aside = $"{FilePath}.damaged-{suffix}";
        File.Move(FilePath, aside, overwrite: true);
        return aside;
    }

    public void Save(IEnumerable<FileCheckpoint> checkpoints)
    {
        var temporary = FilePath + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        {
            JsonSerializer.Serialize(stream, new CheckpointFile(CheckpointFile.CurrentVersion, [.. checkpoints]), CheckpointJsonContext.Default.CheckpointFile);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }
}
