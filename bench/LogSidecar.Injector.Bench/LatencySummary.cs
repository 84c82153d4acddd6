using System.Globalization;

namespace LogSidecar.Injector.Bench;

/// <summary>p50/p99/max of one run, in milliseconds.</summary>
internal sealed record LatencySummary(string Endpoint, int Rate, int Requests, int Failures, double P50, double P99, double Max)
{
    public static LatencySummary From(string endpoint, int rate, List<double> latencies, int failures)
    {
        latencies.Sort();
        double At(double quantile) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(quantile * latencies.Count) - 1)];
        return new(endpoint, rate, latencies.Count, failures, At(0.50), At(0.99), latencies.Count == 0 ? double.NaN : latencies[^1]);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Endpoint,-26} {Rate,6} req/s  n={Requests,6}  failed={Failures,3}  p50={P50,7:F3} ms  p99={P99,7:F3} ms  max={Max,8:F3} ms");
}
