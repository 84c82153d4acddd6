namespace LogSidecar.Sources.Kubernetes;

/// <summary>An API answer: its HTTP status and body, or status 0 and why no answer came.</summary>
internal sealed record ApiAnswer(int Status, byte[] Body, string? TransportError)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>For messages: the transport error, or the status and the Status object's message.</summary>
    public string Describe() => TransportError ?? $"HTTP {Status}: {ApiStatus.MessageOf(Body)}";
}
