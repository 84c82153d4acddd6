using LogSidecar.Injector.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Diagnostics;

public sealed class RepeatLimiterTests
{
    [Fact]
    public void TheFirstOfAKindIsLoggedThenOneAnIntervalWithTheCountHeldBack()
    {
        var time = new FakeTimeProvider();
        var limiter = new RepeatLimiter(time, TimeSpan.FromMinutes(1));

        Assert.True(limiter.ShouldLog("too-large", out var first));
        Assert.False(limiter.ShouldLog("too-large", out _));
        Assert.False(limiter.ShouldLog("too-large", out _));
        Assert.True(limiter.ShouldLog("plain-http", out _));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.ShouldLog("too-large", out var later));

        Assert.Equal((0, 2), (first, later));
    }
}
