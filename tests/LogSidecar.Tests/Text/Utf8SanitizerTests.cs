using System.Text;
using LogSidecar.Text;

namespace LogSidecar.Tests.Text;

public class Utf8SanitizerTests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, "a\uFFFDb")]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, "a\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xE2, 0x82, 0x61 }, "\uFFFD\uFFFDa")]
    [InlineData(new byte[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80, 0x7A }, "\uFFFD\uFFFD\uFFFDz")]
    [InlineData(new byte[] { 0x00, 0x41 }, "\0A")]
    public void EveryBadByteBecomesOneReplacementCharacter(byte[] input, string expected)
    {
        var output = new byte[Utf8Sanitizer.MaxOutputLength(input.Length)];
        var length = Utf8Sanitizer.Sanitize(input, output, out var replaced);

        Assert.Equal(expected, Encoding.UTF8.GetString(output, 0, length));
        Assert.Equal(expected.Count(c => c == '\uFFFD'), replaced);
    }

    [Fact]
    public void ValidMultiByteTextIsKeptAsIs()
    {
        var input = Encoding.UTF8.GetBytes("grüße → 日本 🎉");
        var output = new byte[Utf8Sanitizer.MaxOutputLength(input.Length)];

        var length = Utf8Sanitizer.Sanitize(input, output, out var replaced);

        Assert.Equal(input, output[..length]);
        Assert.Equal(0, replaced);
    }

    [Fact]
    public void CharacterCutNeverSplitsACharacter()
    {
        var text = Encoding.UTF8.GetBytes("ab日本");
        Assert.Equal(2, Utf8Sanitizer.CharacterCut(text, 3));
        Assert.Equal(2, Utf8Sanitizer.CharacterCut(text, 4));
        Assert.Equal(5, Utf8Sanitizer.CharacterCut(text, 5));
        Assert.Equal(text.Length, Utf8Sanitizer.CharacterCut(text, 100));
    }
}
