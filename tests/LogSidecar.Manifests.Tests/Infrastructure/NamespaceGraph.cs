using System.Text.RegularExpressions;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// Which namespaces of a project name which others, read from the source: each file's file-scoped
/// namespace and its <c>using</c> and <c>using static</c> directives, the way this code base names
/// another namespace. A parent namespace's types are visible without a directive, so those edges are
/// not seen: a cycle found is real, an empty answer is a floor, not a proof.
/// </summary>
public sealed partial class NamespaceGraph
{
    private readonly SortedDictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Namespaces => _edges.Keys;

    public static NamespaceGraph Read(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(file => File.ReadAllText(file))
            .ToList();
        var graph = new NamespaceGraph();
        var declared = files.Select(Declared).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var text in files)
        {
            if (Declared(text) is not { } from)
            {
                continue;
            }

            var targets = graph.Edges(from);
            foreach (Match directive in UsingDirective().Matches(text))
            {
                if (Known(directive.Groups["name"].Value, declared) is { } to && to != from)
                {
                    targets.Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>Every group of namespaces that depend on each other in a circle, each as a path that closes it.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var cycles = new List<IReadOnlyList<string>>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in _edges.Keys)
        {
            Visit(start, path, done, cycles);
        }

        return cycles;
    }

    private SortedSet<string> Edges(string from)
    {
        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new SortedSet<string>(StringComparer.Ordinal);
        }

        return targets;
    }

    private void Visit(string node, List<string> path, HashSet<string> done, List<IReadOnlyList<string>> cycles)
    {
        var at = path.IndexOf(node);
        if (at >= 0)
        {
            cycles.Add([.. path[at..], node]);
            return;
        }

        if (!done.Add(node))
        {
            return;
        }

        path.Add(node);
        foreach (var next in _edges.TryGetValue(node, out var targets) ? targets : [])
        {
            Visit(next, path, done, cycles);
        }

        path.RemoveAt(path.Count - 1);
    }

    private static string? Declared(string text) => FileNamespace().Match(text) is { Success: true } match ? match.Groups["name"].Value : null;

    // "using static A.B.Type" names namespace A.B: the longest declared prefix is the namespace.
    private static string? Known(string name, HashSet<string> declared)
    {
        for (var candidate = name; candidate.Length > 0; candidate = candidate.Contains('.', StringComparison.Ordinal) ? candidate[..candidate.LastIndexOf('.')] : "")
        {
            if (declared.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^namespace\s+(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<name>[\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
