using System.Diagnostics;
using System.Globalization;

namespace LogSidecar.Tests;

/// <summary>The real sidecar's <c>/metrics</c> endpoint on a free loopback port, read as Prometheus text.</summary>
public sealed class MetricsEndpoint : IDisposable
{
    private static readonly TimeSpan PollPace = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;

    public MetricsEndpoint()
    {
        Port = FreePort();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>The sidecar flags that serve the endpoint on <see cref="Port"/>.</summary>
    public string[] Flags => ["--metrics-port", Port.ToString(CultureInfo.InvariantCulture)];

    /// <summary>A port nothing listens on right now (<see cref="LoopbackPort.Free"/>).</summary>
    public static int FreePort() => LoopbackPort.Free();

    public Task<string> ScrapeAsync() => _http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>The value of one series (name with its labels, as rendered), or null when it is not there.</summary>
    public static double? Value(string metrics, string series)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Scrapes until <paramref name="condition"/> holds for the text; the deadline only bounds a failing test.</summary>
    public async Task<string> WaitUntilAsync(Func<string, bool> condition, string what, ChildProcess process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"the sidecar exited before {what}: {process.Errors}");
            string? text = null;
            try
            {
                text = await ScrapeAsync();
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (text is not null && condition(text))
            {
                return text;
            }

            Assert.True(deadline.Elapsed < ChildProcess.DefaultTimeout, $"timed out waiting for {what}; last scrape:\n{text}\nstderr:\n{process.Errors}");
            await Task.Delay(PollPace, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();
}
