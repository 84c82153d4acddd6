namespace LogSidecar.Diagnostics;

/// <summary>The Prometheus text exposition format's rules that every rendered series follows.</summary>
internal static class PrometheusText
{
    /// <summary>A label value as the format requires: backslash, double quote and line feed escaped (values may come from files or backends).</summary>
    public static string Label(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
