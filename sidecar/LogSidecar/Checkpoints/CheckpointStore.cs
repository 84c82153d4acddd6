using System.Text.Json;

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

    /// <summary>The saved checkpoints, or null when there are none yet (the very first start).</summary>
    public IReadOnlyList<FileCheckpoint>? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        using var stream = File.OpenRead(FilePath);
        var file = JsonSerializer.Deserialize(stream, CheckpointJsonContext.Default.CheckpointFile);
        return file?.Files ?? [];
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
