using System.Globalization;

namespace LogSidecar.TestSupport;

/// <summary>The logwriter stand-in application: appends numbered lines to a file it holds open with O_APPEND.</summary>
public sealed class LogWriterProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private int _answers;

    private LogWriterProcess(ChildProcess process)
    {
        _process = process;
    }

    /// <summary>The number of the last line written.</summary>
    public long Last { get; private set; }

    public static LogWriterProcess Start(string path) => new(ChildProcess.Start("logwriter.dll", [path]));

    /// <summary>Appends <paramref name="count"/> numbered lines and waits until they are written.</summary>
    public async Task WriteAsync(int count)
    {
        await CommandAsync($"write {count}");
        Last = long.Parse(_process.Lines[^1].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Closes the file and opens the path again, as a logger does after rotation.</summary>
    public Task ReopenAsync() => CommandAsync("reopen");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.WriteLineAsync("quit");
            await _process.WaitForExitAsync();
        }

        await _process.DisposeAsync();
    }

    private async Task CommandAsync(string command)
    {
        await _process.WriteLineAsync(command);
        var expected = ++_answers;
        await _process.WaitUntilAsync(lines => lines.Count >= expected, $"logwriter to answer '{command}'");
    }
}
