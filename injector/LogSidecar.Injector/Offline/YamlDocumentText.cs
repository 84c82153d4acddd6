using System.Text.RegularExpressions;

namespace LogSidecar.Injector.Offline;

/// <summary>
/// The source text of each document of a YAML stream, so documents the command does not change are
/// printed exactly as they were, comments and quoting included. A <c>---</c> at the start of a line
/// always starts a document (block scalars are indented), so splitting there is safe.
/// </summary>
internal static partial class YamlDocumentText
{
    /// <summary>The texts of the documents that hold something other than comments and blank lines, in order.</summary>
    public static List<string> Split(string stream)
    {
        var documents = new List<string>();
        var start = 0;
        foreach (Match marker in DocumentStart().Matches(stream))
        {
            Add(documents, stream[start..marker.Index]);
            start = marker.Index;
        }

        Add(documents, stream[start..]);
        return documents;
    }

    private static void Add(List<string> documents, string text)
    {
        var content = text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#') && line != "---" && line != "...");
        if (content.Any())
        {
            documents.Add(text.EndsWith('\n') ? text : text + "\n");
        }
    }

    [GeneratedRegex(@"^---(?=[ \t\r]|$)", RegexOptions.Multiline)]
    private static partial Regex DocumentStart();
}
