using System.Text;
using System.Text.Json;
using LogSidecar.Text;

namespace LogSidecar.Tests.Text;

public class JsonEscaperTests
{
    [Fact]
    public void EscapedTextIsAJsonStringWithTheSameValue()
    {
        var original = "tab\there \"quoted\" back\\slash\nnew line\r\0nul \u001f unit 日本";
        var escaped = Escape(original);

        Assert.DoesNotContain((byte)'\n', escaped);
        Assert.Equal(original, JsonSerializer.Deserialize<string>("\"" + Encoding.UTF8.GetString(escaped) + "\""));
    }

    [Fact]
    public void PiecesCutAtSafePointsAreEachValidAndJoinToTheOriginal()
    {
        var random = new Random(42);
        var alphabet = "ab\"\\\n\t\u0001日é🎉 ";
        for (var round = 0; round < 200; round++)
        {
            var original = new string([.. Enumerable.Range(0, random.Next(1, 80)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            original = original.Replace("\uD83C", "", StringComparison.Ordinal).Replace("\uDF89", "", StringComparison.Ordinal);
            var escaped = Escape(original);
            var limit = random.Next(6, 20);
            var joined = new StringBuilder();
            for (var start = 0; start < escaped.Length;)
            {
                var cut = JsonEscaper.SafeCut(escaped.AsSpan(start), limit);
                Assert.True(cut > 0, "a cut must make progress");
                var piece = Encoding.UTF8.GetString(escaped, start, cut);
                joined.Append(JsonSerializer.Deserialize<string>("\"" + piece + "\""));
                start += cut;
            }

            Assert.Equal(original, joined.ToString());
        }
    }

    private static byte[] Escape(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var output = new byte[JsonEscaper.MaxOutputLength(utf8.Length)];
        return output[..JsonEscaper.Escape(utf8, output)];
    }
}
