namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>How a receiver answers one whole request instead of processing it: a status (with Retry-After), or a reset connection.</summary>
internal sealed record RequestFault(int Status, int? RetryAfterSeconds = null, bool ResetConnection = false)
{
    public static RequestFault Reset => new(0, ResetConnection: true);
}
