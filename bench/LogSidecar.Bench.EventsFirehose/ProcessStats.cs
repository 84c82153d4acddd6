using System.Globalization;

namespace LogSidecar.Bench.EventsFirehose;

/// <summary>Peak RSS and CPU seconds of a process, from /proc.</summary>
internal static class ProcessStats
{
    private const double TicksPerSecond = 100.0;

    public static (long PeakKb, double CpuSeconds) Read(int pid, long peakKb, double cpuSeconds)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peakKb = Math.Max(peakKb, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                }
            }

            // Fields 14 and 15 (utime, stime) follow the command name in parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpuSeconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            // The process has exited: keep the last figures.
        }

        return (peakKb, cpuSeconds);
    }
}
