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
    public Task WriteAsync(int count) => CommandWithLastAsync($"write {count}");

    /// <summary>
    /// Rotates like logrotate's copytruncate with <c>rotate <paramref name="keep"/></c>, writing
    /// <paramref name="race"/> lines between the copy and the truncation.
    /// </summary>
    public Task CopyTruncateAsync(int keep, int race = 0) => CommandWithLastAsync($"copytruncate {keep} {race}");

    /// <summary>Writes <paramref name="rate"/> lines a second for <paramref name="seconds"/>, with copytruncate every <paramref name="rotateMs"/> (keeping <paramref name="keep"/> copies).</summary>
    public Task RunAsync(double seconds, int rate, int rotateMs, int keep) =>
        CommandWithLastAsync(string.Create(CultureInfo.InvariantCulture, $"run {seconds} {rate} {rotateMs} {keep}"), TimeSpan.FromSeconds(seconds + 60));

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

    private async Task CommandAsync(string command, TimeSpan? timeout = null)
    {
        await _process.WriteLineAsync(command);
        var expected = ++_answers;
        await _process.WaitUntilAsync(lines => lines.Count >= expected, $"logwriter to answer '{command}'", timeout);
    }

    private async Task CommandWithLastAsync(string command, TimeSpan? timeout = null)
    {
        await CommandAsync(command, timeout);
        Last = long.Parse(_process.Lines[^1].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
