namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>Paths in the repository, found from the test binaries by walking up to <c>Sidecar.sln</c>.</summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>Every kustomization under <c>manifests/</c>, relative to it.</summary>
    public static readonly IReadOnlyList<string> Kustomizations = ["base", "cert-manager", "self-signed", "examples", "monitoring"];

    public static string Root => RootPath.Value;

    public static string Manifests => Path.Combine(Root, "manifests");

    public static string Kustomization(string name) => Path.Combine(Manifests, name);

    /// <summary>The example manifests (every YAML file of <c>manifests/examples</c> but its kustomization), by file name.</summary>
    public static IReadOnlyList<string> ExampleFiles() =>
        [.. Directory.EnumerateFiles(Kustomization("examples"), "*.yaml")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "kustomization.yaml")
            .Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sidecar.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Sidecar.sln not found above {AppContext.BaseDirectory}");
    }
}
