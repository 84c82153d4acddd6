using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Tests.Text;

public sealed class ValueTextTests
{
    [Theory]
    [InlineData("json", "'json'")]
    [InlineData("a\nb\r\tc", "'a\\nb\\r\\tc'")]
    [InlineData("evil\u202Etxt.exe", "'evil\\u202Etxt.exe'")]
    [InlineData("bell\u0007", "'bell\\u0007'")]
    public void AValueIsQuotedWithControlAndFormatCharactersEscaped(string value, string quoted) =>
        Assert.Equal(quoted, ValueText.Quote(value));

    [Fact]
    public void ALongValueIsCutWithItsLengthSaid()
    {
        var quoted = ValueText.Quote(new string('x', 6400));

        Assert.Equal($"'{new string('x', ValueText.MaxShown)}…' (6400 characters)", quoted);
    }

    [Fact]
    public void ACutNeverSplitsASurrogatePair()
    {
        var quoted = ValueText.Quote(new string('x', ValueText.MaxShown - 1) + "😀😀");

        Assert.DoesNotContain('\uD83D', quoted[^30..]);
        Assert.EndsWith("…' (67 characters)", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void AWholeMessageIsBoundedAndCarriesNoNewline()
    {
        var message = ValueText.Message("key: " + string.Concat(Enumerable.Repeat("line\n", 1000)));

        Assert.DoesNotContain('\n', message);
        Assert.True(message.Length <= ValueText.MaxMessage + 16, $"{message.Length}");
    }
}
