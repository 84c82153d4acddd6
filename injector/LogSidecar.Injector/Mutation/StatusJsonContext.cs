using System.Text.Json.Serialization;

namespace LogSidecar.Injector.Mutation;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InjectionStatus))]
[JsonSerializable(typeof(SkippedStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
