using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LogSidecar.Tests;

/// <summary>The real sidecar program in a child process, and what its stdout records say.</summary>
public sealed partial class SidecarProcess : IAsyncDisposable
{
    private SidecarProcess(ChildProcess process)
    {
        Process = process;
    }

    public ChildProcess Process { get; }

    /// <summary>
    /// Starts the sidecar; the metrics endpoint is off unless the arguments turn it on. With
    /// <paramref name="readOutput"/> false nothing reads its stdout (see <see cref="ChildProcess.StandardOutput"/>).
    /// </summary>
    public static SidecarProcess Start(IEnumerable<string> args, string? runAs = null, IDictionary<string, string>? environment = null, bool readOutput = true) =>
        new(ChildProcess.Start("logsidecar.dll", WithMetricsOff(args), runAs, environment, readOutput));

    /// <summary>
    /// Starts the sidecar with its stdout piped into <paramref name="reader"/>, a shell command such
    /// as <c>head -n 1</c>: the lines are what the reader printed, the exit code is the sidecar's.
    /// </summary>
    public static SidecarProcess StartPiped(IEnumerable<string> args, string reader) =>
        new(ChildProcess.StartCommand(
            ["bash", "-c", $"dotnet exec \"$@\" | {reader}; exit \"${{PIPESTATUS[0]}}\"", "bash", ChildProcess.AssemblyPath("logsidecar.dll"), .. WithMetricsOff(args)]));

    /// <summary>The line numbers found in the records' messages (as written by logwriter), in output order.</summary>
    public static List<long> Numbers(IEnumerable<string> lines) =>
        [.. lines.Select(line => LineNumber().Match(Message(line))).Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>Asserts that the records hold every number from 1 to <paramref name="last"/> exactly once.</summary>
    public void AssertEachNumberOnce(long last)
    {
        var numbers = Numbers(Process.Lines);
        var duplicates = numbers.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).Take(10).ToList();
        Assert.True(duplicates.Count == 0, $"lines emitted twice: {string.Join(", ", duplicates)}");
        Assert.Equal(Enumerable.Range(1, (int)last).Select(n => (long)n), numbers.Order());
    }

    /// <summary>True when <paramref name="line"/> is a whole JSON record.</summary>
    public static bool IsComplete(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string Message(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("message").GetString()!;
    }

    /// <summary>Waits until every number from 1 to <paramref name="last"/> was emitted.</summary>
    public Task WaitForNumbersAsync(long last)
    {
        // Incremental: each wake-up parses only the lines that arrived since the last one.
        var seen = new HashSet<long>();
        var parsed = 0;
        return Process.WaitUntilAsync(
            lines =>
            {
                for (; parsed < lines.Count; parsed++)
                {
                    seen.UnionWith(Numbers([lines[parsed]]).Where(n => n <= last));
                }

                return seen.Count >= last;
            },
            $"lines 1..{last}");
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static List<string> WithMetricsOff(IEnumerable<string> args)
    {
        var all = args.ToList();
        if (!all.Contains("--metrics-port"))
        {
            all.AddRange(["--metrics-port", "0"]);
        }

        return all;
    }

    [GeneratedRegex(@"^line (\d{8}) ")]
    private static partial Regex LineNumber();
}
