using System.Collections.Concurrent;
using LogSidecar.Text;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>
/// Gives each stream's format and multiline regexes their <see cref="RegexUse"/>: a pattern that
/// needs the backtracking engine is logged when it is compiled; every match that runs out of time
/// is counted in <c>logsidecar_regex_timeouts_total{stream,regex}</c>, and the first of each stream
/// is logged (a bad pattern times out on every line: one message says it all).
/// </summary>
internal sealed partial class RegexTimeouts(SidecarMetrics metrics, ILogger<RegexTimeouts> log)
{
    public const string Format = "format";
    public const string Multiline = "multiline";

    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    /// <param name="stream">The stream the regex belongs to.</param>
    /// <param name="regex"><see cref="Format"/> or <see cref="Multiline"/>.</param>
    /// <param name="limit">How long one match may take on the backtracking engine.</param>
    public RegexUse For(string stream, string regex, TimeSpan limit) => new(
        reason => Log.Backtracking(log, stream, regex, reason, limit.TotalMilliseconds),
        () =>
        {
            metrics.RegexTimedOut(stream, regex);
            if (_reported.TryAdd(stream, true))
            {
                var outcome = regex == Format ? "the record passes through unparsed with parse_error" : "the line starts a new record";
                Log.TimedOut(log, stream, regex, limit.TotalMilliseconds, outcome);
            }
        });

    private static partial class Log
    {
        [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "Stream {Stream}: the {Regex} regex cannot run on the linear-time engine ({Reason}), so it backtracks, each match limited to {Milliseconds} ms")]
        public static partial void Backtracking(ILogger logger, string stream, string regex, string reason, double milliseconds);

        [LoggerMessage(EventId = 91, Level = LogLevel.Warning, Message = "Stream {Stream}: the {Regex} regex took longer than {Milliseconds} ms on a line and was given up ({Outcome}). The pattern backtracks catastrophically on such lines: remove the lookaround, backreference or atomic group so it runs in linear time, or simplify it. Reported once per stream; logsidecar_regex_timeouts_total counts every line")]
        public static partial void TimedOut(ILogger logger, string stream, string regex, double milliseconds, string outcome);
    }
}
