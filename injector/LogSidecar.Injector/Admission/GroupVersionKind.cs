namespace LogSidecar.Injector.Admission;

internal sealed record GroupVersionKind
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Kind { get; set; }
}
