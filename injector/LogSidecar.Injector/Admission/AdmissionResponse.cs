namespace LogSidecar.Injector.Admission;

/// <summary>The answer: allowed or denied (with a status message), an optional JSON Patch, and warnings.</summary>
internal sealed record AdmissionResponse
{
    public const string JsonPatchType = "JSONPatch";

    public required string Uid { get; set; }

    public required bool Allowed { get; set; }

    public AdmissionStatus? Status { get; set; }

    /// <summary>The JSON Patch document; serialized as base64 as the API expects.</summary>
    public byte[]? Patch { get; set; }

    public string? PatchType { get; set; }

    public List<string>? Warnings { get; set; }
}
