namespace LogSidecar.Injector.Admission;

internal sealed record GroupVersionResource
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Resource { get; set; }
}
