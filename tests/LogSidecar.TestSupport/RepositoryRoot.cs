namespace LogSidecar.TestSupport;

/// <summary>The repository's root folder, found from the test binaries by walking up to <c>Sidecar.sln</c>.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Sidecar.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Sidecar.sln not found above {AppContext.BaseDirectory}");
    }
}
