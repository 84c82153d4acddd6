using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class ResourceQuantityTests
{
    [Theory]
    [InlineData("250m", 0.25)]
    [InlineData("1", 1)]
    [InlineData("1.5", 1.5)]
    [InlineData("64Mi", 67108864)]
    [InlineData("1Gi", 1073741824)]
    [InlineData("128M", 128000000)]
    [InlineData("1e3", 1000)]
    [InlineData(".5", 0.5)]
    public void ValidQuantitiesParseToBaseUnits(string text, double expected) =>
        Assert.Equal((decimal)expected, ResourceQuantity.TryParse(text, out var value) ? value : -1);

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("64MB")]
    [InlineData("1.2.3")]
    [InlineData("Mi")]
    public void InvalidQuantitiesAreRejected(string text) => Assert.False(ResourceQuantity.TryParse(text, out _));
}
