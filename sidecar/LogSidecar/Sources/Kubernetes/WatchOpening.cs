namespace LogSidecar.Sources.Kubernetes;

/// <summary>The answer to opening a watch, and its lines when the API answered 200.</summary>
internal sealed record WatchOpening(ApiAnswer Answer, WatchLines? Lines);
