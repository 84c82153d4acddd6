using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>A logger factory with exactly one provider; the full Microsoft.Extensions.Logging stack is not needed here.</summary>
internal sealed class SimpleLoggerFactory(ILoggerProvider provider) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The sidecar logs to stderr only.");

    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void Dispose()
    {
        // The provider belongs to whoever created it.
    }
}
