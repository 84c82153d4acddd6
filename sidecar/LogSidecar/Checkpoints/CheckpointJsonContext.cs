using System.Text.Json.Serialization;

namespace LogSidecar.Checkpoints;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CheckpointFile))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
