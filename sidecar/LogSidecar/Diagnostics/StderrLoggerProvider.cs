using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>
/// The sidecar's own diagnostics: one JSON object per line on stderr, never on stdout where the
/// records go. A lock keeps lines whole when several threads log at once.
/// </summary>
internal sealed class StderrLoggerProvider(LogLevel minimum, TextWriter writer) : ILoggerProvider
{
    private readonly TextWriter _writer = writer;
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, ShortName(categoryName));

    public void Dispose() => _writer.Dispose();

    internal bool IsEnabled(LogLevel level) => level >= minimum && level != LogLevel.None;

    internal void Write(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];
}
