namespace LogSidecar.Sinks.Batching;

/// <summary>
/// Records a backend accepted a request without storing, and without saying which ones (OTLP's
/// <c>partial_success</c>): they are counted as dead letters under <paramref name="Label"/> and
/// reported in one dead-letter line that lists where the request's records came from.
/// </summary>
internal sealed record UnattributedRejection(int Records, string Label, string Reason);
