using System.Text.Json;

namespace LogSidecar.Injector.Admission;

/// <summary>The parts of an AdmissionRequest the injector reads; the object stays raw JSON so no field is lost.</summary>
internal sealed record AdmissionRequest
{
    public string? Uid { get; set; }

    public GroupVersionKind? Kind { get; set; }

    public GroupVersionResource? Resource { get; set; }

    public string? SubResource { get; set; }

    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? Operation { get; set; }

    public JsonElement? Object { get; set; }

    public bool? DryRun { get; set; }
}
