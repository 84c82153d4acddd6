using System.Text.Json.Serialization;

namespace LogSidecar.Injector.Mutation;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(InjectionStatus))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
