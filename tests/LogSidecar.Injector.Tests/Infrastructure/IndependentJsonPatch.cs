using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>Applies a patch with Microsoft.AspNetCore.JsonPatch.SystemTextJson, an RFC 6902 implementation independent of the injector.</summary>
public static class IndependentJsonPatch
{
    public static JsonObject Apply(JsonObject target, string patchJson)
    {
        var result = target.DeepClone().AsObject();
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(patchJson) ?? throw new InvalidOperationException("patch is JSON null");
        document.ApplyTo(result);
        return result;
    }
}
