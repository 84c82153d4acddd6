namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SinkConfig.Labels"/>: facts that are the same for every line of a file, so Loki's stream count stays bounded.</summary>
public static class LokiLabels
{
    public const string Namespace = "namespace";
    public const string Pod = "pod";
    public const string Container = "container";
    public const string Node = "node";
    public const string Stream = "stream";
    public const string File = "file";
    public static readonly IReadOnlyList<string> All = [Namespace, Pod, Container, Node, Stream, File];
}
