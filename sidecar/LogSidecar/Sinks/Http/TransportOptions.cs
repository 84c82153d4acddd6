namespace LogSidecar.Sinks.Http;

/// <summary>
/// What a <see cref="BackendTransport"/> needs of its sink's settings: the sink's name (for
/// messages), the time limit of one request, gzip or not, the credentials directory and the
/// headers that go on every request.
/// </summary>
internal sealed record TransportOptions(
    string Name,
    TimeSpan Timeout,
    bool Gzip,
    string? CredentialsDir,
    IReadOnlyList<KeyValuePair<string, string>> Headers);
