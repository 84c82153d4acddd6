using System.Text.Json.Nodes;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Tests.Mutation;

public sealed class PatchBuilderTests
{
    [Theory]
    [InlineData("logsidecar.io/status", "logsidecar.io~1status")]
    [InlineData("a~b/c", "a~0b~1c")]
    [InlineData("~1", "~01")]
    public void KeysAreEscapedTildeFirstThenSlash(string key, string escaped)
    {
        Assert.Equal(escaped, JsonPointer.Escape(key));
        Assert.Equal(["metadata", key], JsonPointer.Parse(JsonPointer.Of("metadata", key)));
    }

    [Fact]
    public void TheSecondAdditionToAnArrayThePatchCreatedAppendsInsteadOfReplacing()
    {
        var spec = new JsonObject();
        var patch = new PatchBuilder();

        patch.AppendToArray(spec, ["spec"], "volumes", new JsonObject { ["name"] = "a" });
        patch.AppendToArray(spec, ["spec"], "volumes", new JsonObject { ["name"] = "b" });
        patch.AddToMap(spec, ["spec"], "labels", "x", "1");
        patch.AddToMap(spec, ["spec"], "labels", "y/z", "2");

        var pod = new JsonObject { ["spec"] = spec.DeepClone() };
        PatchApplier.Apply(pod, patch.Operations);
        Assert.Equal("""{"spec":{"volumes":[{"name":"a"},{"name":"b"}],"labels":{"x":"1","y/z":"2"}}}""", pod.ToJsonString());
        Assert.Equal(["/spec/volumes", "/spec/volumes/-", "/spec/labels", "/spec/labels/y~1z"], patch.Operations.Select(op => (string)op!["path"]!));
    }
}
