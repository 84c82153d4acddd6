namespace LogSidecar.Injector.Hosting;

/// <summary>What identifies one version of a file: its resolved path (symlinks followed), write time and length.</summary>
internal readonly record struct FileStamp(string Path, DateTime WriteTimeUtc, long Length)
{
    public static FileStamp Of(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
            {
                info = target;
            }

            return info.Exists ? new FileStamp(info.FullName, info.LastWriteTimeUtc, info.Length) : new FileStamp(path, default, -1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileStamp(path, default, -1);
        }
    }
}
