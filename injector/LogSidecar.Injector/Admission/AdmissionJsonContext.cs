using System.Text.Json.Serialization;

namespace LogSidecar.Injector.Admission;

/// <summary>Source-generated JSON for the admission models; unknown request fields are ignored (the API adds them over time).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
