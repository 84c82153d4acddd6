using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>Formats one diagnostic as a JSON line: time, level, source, component, event, message, error.</summary>
internal sealed class StderrLogger(StderrLoggerProvider provider, string component) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => provider.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logLevel));
            json.WriteString("source", "logsidecar");
            json.WriteString("component", component);
            json.WriteNumber("event", eventId.Id);
            json.WriteString("message", formatter(state, exception));
            if (exception is not null)
            {
                json.WriteString("error", exception.ToString());
            }

            json.WriteEndObject();
        }

        provider.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };
}
