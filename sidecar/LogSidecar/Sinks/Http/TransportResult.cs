namespace LogSidecar.Sinks.Http;

/// <summary>
/// What one POST came to: the reader's answer, or why no answer arrived (<see cref="Failure"/> is a
/// metric label: <c>timeout</c>, <c>tls</c> or <c>network</c>; a transport failure is always worth a retry).
/// </summary>
internal readonly record struct TransportResult<T>(T Answer, string? Failure)
{
    public static TransportResult<T> Failed(string failure) => new(default!, failure);
}
