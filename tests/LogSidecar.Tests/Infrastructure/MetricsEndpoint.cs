using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LogSidecar.Tests;

/// <summary>The sidecar's Prometheus endpoint, scraped over a real socket.</summary>
internal static class MetricsEndpoint
{
    /// <summary>A port nothing listens on now (the sidecar binds it next).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Scrapes until the sample's value satisfies <paramref name="condition"/> (there is no event to
    /// wait on from outside the process); the deadline only bounds a failing test.
    /// </summary>
    public static async Task<long?> WaitForAsync(int port, string sample, Func<long?, bool> condition)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            var value = await ValueAsync(port, sample);
            if (condition(value))
            {
                return value;
            }

            if (deadline.Elapsed > ChildProcess.DefaultTimeout)
            {
                Assert.Fail($"Timed out waiting for {sample}; last value {value?.ToString(CultureInfo.InvariantCulture) ?? "absent"}");
            }

            await timer.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The value of the sample named exactly <paramref name="sample"/> (labels included), or null if absent.</summary>
    public static async Task<long?> ValueAsync(int port, string sample)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), TestContext.Current.CancellationToken);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
