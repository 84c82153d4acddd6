namespace LogSidecar.Text;

/// <summary>
/// Where a user's regex runs and whom it tells: once, that its pattern needs the backtracking engine
/// (and why), and each match that ran out of time. Callbacks keep the regex code free of metrics and logging.
/// </summary>
internal sealed class RegexUse(Action<string> backtracking, Action timedOut)
{
    /// <summary>Nobody listens (tests, tools).</summary>
    public static RegexUse None { get; } = new(_ => { }, () => { });

    /// <summary>The pattern cannot run in linear time: <paramref name="reason"/> names the construct.</summary>
    public void Backtracking(string reason) => backtracking(reason);

    public void TimedOut() => timedOut();
}
