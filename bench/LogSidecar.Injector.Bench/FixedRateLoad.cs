using System.Diagnostics;
using System.Text;

namespace LogSidecar.Injector.Bench;

/// <summary>
/// Open-loop load: requests are started on a fixed schedule whatever the server does (a slow answer
/// does not delay the next request, so stalls are not hidden), and each latency is measured from the
/// moment its request is handed to the client, so the generator's own timer lateness is not counted.
/// </summary>
internal static class FixedRateLoad
{
    public static async Task<LatencySummary> RunAsync(HttpClient client, string path, byte[] body, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var failures = 0;
        var tasks = new List<Task>(total);
        var started = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / (double)rate;
        for (var i = 0; i < total; i++)
        {
            var scheduled = started + (long)(i * ticksPerRequest);
            while (Stopwatch.GetTimestamp() < scheduled)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
                if (wait > TimeSpan.FromMilliseconds(2))
                {
                    await Task.Delay(wait - TimeSpan.FromMilliseconds(1), cancellationToken);
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }

            var index = i;
            tasks.Add(Task.Run(
                async () =>
                {
                    var sent = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                },
                cancellationToken));
        }

        await Task.WhenAll(tasks);
        return LatencySummary.From(path, rate, [.. latencies], failures);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
