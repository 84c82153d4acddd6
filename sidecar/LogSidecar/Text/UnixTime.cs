namespace LogSidecar.Text;

/// <summary>Times as Loki and OTLP want them: nanoseconds since the Unix epoch.</summary>
internal static class UnixTime
{
    public static long Nanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.Ticks) * 100;
}
