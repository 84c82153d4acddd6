namespace LogSidecar.Injector.Admission;

/// <summary>The <c>metav1.Status</c> subset shown to the user when a pod is denied.</summary>
internal sealed record AdmissionStatus
{
    public int Code { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}
