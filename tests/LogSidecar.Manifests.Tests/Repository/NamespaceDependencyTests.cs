using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Repository;

/// <summary>The rule of docs/architecture.md: within each program, namespaces depend on each other one way.</summary>
public sealed class NamespaceDependencyTests
{
    [Theory]
    [InlineData("sidecar/LogSidecar")]
    [InlineData("injector/LogSidecar.Injector")]
    public void TheNamespacesOfAProgramDependOnEachOtherOneWay(string project)
    {
        var graph = NamespaceGraph.Read(Path.Combine(RepositoryLayout.Root, project));

        // Its folders were found (a wrong path would find nothing, and no cycle).
        Assert.True(graph.Namespaces.Count >= 8, $"{project}: only {graph.Namespaces.Count} namespaces found");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, $"{project} has namespace cycles (move the shared type down, see docs/architecture.md):\n"
            + string.Join("\n", cycles.Select(cycle => string.Join(" -> ", cycle))));
    }

    [Fact]
    public void ACycleThroughAUsingStaticDirectiveIsFound()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.File("A"));
        Directory.CreateDirectory(directory.File("B"));
        File.WriteAllText(directory.File("A/One.cs"), "using App.B;\n\nnamespace App.A;\n\ninternal sealed class One;\n");
        File.WriteAllText(directory.File("B/Two.cs"), "using static App.A.One;\n\nnamespace App.B;\n\ninternal sealed class Two;\n");

        var cycle = Assert.Single(NamespaceGraph.Read(directory.Path).Cycles());

        Assert.Equal(["App.A", "App.B", "App.A"], cycle);
    }
}
