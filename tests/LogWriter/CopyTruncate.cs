namespace LogWriter;

/// <summary>
/// What logrotate does with <c>copytruncate</c> and <c>rotate N</c>: older copies move up a number
/// (PATH.1 to PATH.2, ...; the one past N is removed), the file is copied to PATH.1, then truncated in
/// place through the writer's own descriptor, which keeps writing at the new end (O_APPEND).
/// </summary>
internal static class CopyTruncate
{
    /// <summary>Rotates <paramref name="path"/>; <paramref name="raceLines"/> writes between the copy and the truncation (in neither file afterwards, unless read in between).</summary>
    public static void Rotate(string path, AppendFile file, int keep, Action raceLines)
    {
        File.Delete($"{path}.{keep}");
        for (var n = keep - 1; n >= 1; n--)
        {
            if (File.Exists($"{path}.{n}"))
            {
                File.Move($"{path}.{n}", $"{path}.{n + 1}");
            }
        }

        File.Copy(path, $"{path}.1");
        raceLines();
        file.Truncate();
    }
}
