using System.Text.Json;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Images;

/// <summary>
/// What can be checked of the Dockerfiles without a Docker engine (CI has none): pinned bases, a
/// numeric non-root user in the final stage, an exec-form entrypoint, sources that exist.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => ["Dockerfile.sidecar", "Dockerfile.injector"];

    private static string[] Instructions(string dockerfile) =>
        [.. File.ReadAllLines(Path.Combine(RepositoryLayout.Root, dockerfile))
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !char.IsWhiteSpace(line[0]))];

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void EveryBaseImageIsPinnedByTagFromMcr(string dockerfile)
    {
        var bases = Instructions(dockerfile).Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, bases.Count);
        foreach (var line in bases)
        {
            var image = line.Split(' ')[1];
            Assert.StartsWith("mcr.microsoft.com/dotnet/", image, StringComparison.Ordinal);
            Assert.Matches(@":10\.0(-[a-z-]+)?$", image);
        }

        Assert.EndsWith("-chiseled", bases[^1].Split(' ')[1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void TheImageRunsAsANumericNonRootUserWithAnExecFormEntrypoint(string dockerfile)
    {
        var lines = Instructions(dockerfile);
        var finalStage = lines[Array.FindLastIndex(lines, line => line.StartsWith("FROM ", StringComparison.Ordinal))..];

        var user = Assert.Single(finalStage, line => line.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Split(':');
        Assert.All(user, id => Assert.True(int.TryParse(id, out var number) && number > 0, $"{dockerfile}: USER {string.Join(':', user)} must be numeric and not root"));
        var entrypoint = Assert.Single(finalStage, line => line.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..];
        Assert.NotEmpty(JsonSerializer.Deserialize<string[]>(entrypoint)!);
        Assert.DoesNotContain(finalStage, line => line.StartsWith("RUN ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void EveryCopiedPathExistsAndIsNotIgnored(string dockerfile)
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryLayout.Root, ".dockerignore"))
            .Select(line => line.Trim().TrimEnd('/'))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var line in Instructions(dockerfile).Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal)))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in words)
            {
                Assert.True(Path.Exists(Path.Combine(RepositoryLayout.Root, source)), $"{dockerfile}: COPY source {source} does not exist");
                Assert.DoesNotContain(source.TrimEnd('/').Split('/')[0], ignored);
            }
        }
    }

    [Fact]
    public async Task TheBuildCommandsInTheDockerfilesTagTheImagesTheManifestsUse()
    {
        var sidecarImage = (string?)(await InjectorConfig.ReadAsync("base"))["image"];
        var deployment = KubernetesModels.Read<k8s.Models.V1Deployment>(await Kustomize.DocumentAsync("base", "Deployment", "logsidecar-injector"));

        var token = TestContext.Current.CancellationToken;
        var sidecarDockerfile = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "Dockerfile.sidecar"), token);
        var injectorDockerfile = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "Dockerfile.injector"), token);

        Assert.Contains($"-t {sidecarImage} .", sidecarDockerfile, StringComparison.Ordinal);
        Assert.Contains($"-t {deployment.Spec.Template.Spec.Containers[0].Image} .", injectorDockerfile, StringComparison.Ordinal);
    }
}
