using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogSidecar.Injector.Configuration;

/// <summary>Reads the injector's configuration file; unknown keys are errors so typos are reported.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(InjectorOptions))]
internal sealed partial class InjectorOptionsJsonContext : JsonSerializerContext;
