using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// Golden case folders under <c>Golden/</c> in the source tree, discovered automatically. Set
/// <c>LOGSIDECAR_UPDATE_GOLDEN=1</c> to rewrite the expected files from what the injector does now.
/// </summary>
public static class GoldenCases
{
    public const string Input = "input.json";
    public const string Response = "response.json";
    public const string Patch = "patch.json";
    public const string Expected = "expected.json";

    /// <summary>Every file a case may hold; anything else is flagged as unused.</summary>
    public static readonly IReadOnlyList<string> KnownFiles = [Input, Response, Patch, Expected];

    public static bool Update => Environment.GetEnvironmentVariable("LOGSIDECAR_UPDATE_GOLDEN") == "1";

    public static string Root { get; } = Path.GetFullPath(Path.Combine(SourceDirectory(), "..", "Golden"));

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    public static string PathOf(string name, string file) => Path.Combine(Root, name, file);

    public static JsonNode? Read(string name, string file) =>
        File.Exists(PathOf(name, file)) ? JsonNode.Parse(File.ReadAllText(PathOf(name, file))) : null;

    public static string ReadText(string name, string file) => File.ReadAllText(PathOf(name, file));

    /// <summary>Writes <paramref name="node"/>, or deletes the file when it is null.</summary>
    public static void Write(string name, string file, JsonNode? node)
    {
        var path = PathOf(name, file);
        if (node is null)
        {
            File.Delete(path);
            return;
        }

        File.WriteAllText(path, node.ToJsonString(JsonAssert.Indented).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
