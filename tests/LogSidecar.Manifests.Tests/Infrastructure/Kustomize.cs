using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>Renders a kustomization with <c>kubectl kustomize</c> (a real process), once per test run.</summary>
public static class Kustomize
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new(StringComparer.Ordinal);

    /// <summary>The rendered YAML of <c>manifests/NAME</c>.</summary>
    public static Task<string> RenderAsync(string name) =>
        Rendered.GetOrAdd(name, key => new Lazy<Task<string>>(() => RenderCoreAsync(key))).Value;

    /// <summary>The rendered documents of <c>manifests/NAME</c> as JSON.</summary>
    public static async Task<IReadOnlyList<JsonObject>> DocumentsAsync(string name) => YamlDocuments.Parse(await RenderAsync(name));

    /// <summary>The one rendered document of that kind and name.</summary>
    public static async Task<JsonObject> DocumentAsync(string name, string kind, string objectName)
    {
        var matches = (await DocumentsAsync(name))
            .Where(document => (string?)document["kind"] == kind && (string?)document["metadata"]?["name"] == objectName)
            .ToList();
        Assert.True(matches.Count == 1, $"manifests/{name} renders {matches.Count} {kind} named {objectName}");
        return matches[0];
    }

    /// <summary>
    /// Builds an overlay written for one test: <paramref name="files"/> (file name to YAML) in a fresh folder, where
    /// <c>MANIFESTS</c> stands for the path of <c>manifests/</c> relative to it (kustomize accepts no absolute paths).
    /// </summary>
    public static async Task<ProcessResult> BuildOverlayAsync(IReadOnlyDictionary<string, string> files, CancellationToken cancellationToken)
    {
        using var folder = new TempDirectory();
        var manifests = Path.GetRelativePath(folder.Path, RepositoryLayout.Manifests);
        foreach (var (name, yaml) in files)
        {
            await File.WriteAllTextAsync(folder.File(name), yaml.Replace("MANIFESTS", manifests, StringComparison.Ordinal), cancellationToken);
        }

        var result = await ProcessRunner.TryRunAsync("kubectl", ["kustomize", folder.Path], cancellationToken);
        Assert.True(result is not null, "kubectl is not installed: the manifest tests render every kustomization with kubectl kustomize");
        return result;
    }

    private static async Task<string> RenderCoreAsync(string name)
    {
        // Not the test's token: the result is shared by every test that asks for it.
        var result = await ProcessRunner.TryRunAsync("kubectl", ["kustomize", RepositoryLayout.Kustomization(name)], CancellationToken.None);
        Assert.True(result is not null, "kubectl is not installed: the manifest tests render every kustomization with kubectl kustomize");
        Assert.True(result.ExitCode == 0, result.Describe($"kubectl kustomize manifests/{name}"));
        return result.Output;
    }
}
