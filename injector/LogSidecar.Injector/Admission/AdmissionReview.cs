namespace LogSidecar.Injector.Admission;

/// <summary><c>admission.k8s.io/v1</c> AdmissionReview: the API server sends a request and expects a response with the same uid.</summary>
internal sealed record AdmissionReview
{
    public const string V1 = "admission.k8s.io/v1";
    public const string ReviewKind = "AdmissionReview";

    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequest? Request { get; set; }

    public AdmissionResponse? Response { get; set; }
}
