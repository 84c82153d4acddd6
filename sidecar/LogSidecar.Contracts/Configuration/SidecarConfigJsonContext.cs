using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// Source-generated JSON metadata (AOT-safe). Unknown fields are errors so that a typo in a knob
/// is reported instead of silently ignored. The models use settable properties, not init: the
/// generator passes every init property to the object initializer, which would replace a default
/// with null when the field is absent.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = false)]
[JsonSerializable(typeof(SidecarConfig))]
public sealed partial class SidecarConfigJsonContext : JsonSerializerContext;
