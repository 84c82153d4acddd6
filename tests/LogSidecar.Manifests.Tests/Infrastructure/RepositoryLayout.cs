namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>Paths in the repository that the manifest tests read.</summary>
public static class RepositoryLayout
{
    /// <summary>Every kustomization under <c>manifests/</c>, relative to it.</summary>
    public static readonly IReadOnlyList<string> Kustomizations = ["base", "cert-manager", "self-signed", "examples", "monitoring", "cluster-logging"];

    public static string Root => RepositoryRoot.Path;

    public static string Manifests => Path.Combine(Root, "manifests");

    public static string Kustomization(string name) => Path.Combine(Manifests, name);

    /// <summary>The example manifests (every YAML file of <c>manifests/examples</c> but its kustomization), by file name.</summary>
    public static IReadOnlyList<string> ExampleFiles() =>
        [.. Directory.EnumerateFiles(Kustomization("examples"), "*.yaml")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != "kustomization.yaml")
            .Order(StringComparer.Ordinal)];
}
