namespace LogSidecar.Contracts.Configuration;

/// <summary>Resolves where a stream's records go: its own mode and sink, else the configuration's.</summary>
public static class DeliveryRoutes
{
    public static string ModeOf(SidecarConfig config, StreamConfig stream) => stream.Mode ?? config.Mode;

    public static string NameOf(SinkConfig sink) => sink.Name ?? sink.Type;

    /// <summary>The sink a shipping stream uses, or null when it names none that exists (the validator reports that).</summary>
    public static SinkConfig? SinkOf(SidecarConfig config, StreamConfig stream) => stream.Sink is { } name
        ? config.Sinks.Find(sink => NameOf(sink) == name)
        : config.Sinks.Count == 1 ? config.Sinks[0] : null;
}
