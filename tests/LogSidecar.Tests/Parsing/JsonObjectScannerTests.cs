using System.Text;
using System.Text.Unicode;
using LogSidecar.Parsing;

namespace LogSidecar.Tests.Parsing;

/// <summary>
/// The scanner against <see cref="JsonObjectReader"/> (System.Text.Json's reader), the reference: whatever the scanner accepts the
/// reader accepts with the same properties, so a value copied to the output as read is valid JSON.
/// </summary>
public class JsonObjectScannerTests
{
    private static readonly string[] Valid =
    [
        """{}""",
        """ { } """,
        """{"a":1}""",
        """{"time":"2026-11-23T10:00:00.001Z","level":"info","msg":"processed order 1","customer":7919,"took_ms":1,"ok":true,"trace":""}""",
        """{"a":-0.5e+10,"b":0,"c":-0,"d":1E3,"e":12.25,"f":null,"g":false,"h":[],"i":{},"j":[1,[2,[3]],{"k":[{}]}]}""",
        """{"esc\"aped":"tab\there \u00e9 \ud83d\ude00 \/ \\","x":"ünïcödé 日本"}""",
        "{\t\"a\" :\r\n 1 ,\n\"b\": [ 1 , 2 ] }",
        """{"a":"lone surrogate \ud800 is valid JSON text"}""",
        """{"a":1,"a":2}""",
    ];

    private static readonly string[] Invalid =
    [
        "", " ", "plain text", "[1,2]", "\"a\"", "1", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}",
        "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":-}", "{\"a\":0x10}", "{\"a\":NaN}",
        "{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":\"unterminated}", "{\"a\":\"bad \\x escape\"}",
        "{\"a\":\"short \\u12\"}", "{\"a\":\"raw \t tab\"}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":{\"b\"}}",
        "{\"a\":1} {\"b\":2}", "{\"a\":1}x", "{'a':1}", "{a:1}", "{\"a\":1}/*c*/", "{\"a\":\"x\"\"y\"}",
        "{\"a\":[" + new string('[', 70) + new string(']', 70) + "]}",
    ];

    [Fact]
    public void ValidObjectsGiveTheReadersPropertiesAsRangesOfTheLine()
    {
        foreach (var line in Valid)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var scanned = new JsonProperties();
            Assert.True(JsonObjectScanner.TryScan(bytes, scanned), line);
            Assert.Equal(ReaderProperties(bytes), scanned.Span.ToArray());
        }
    }

    [Fact]
    public void EveryMalformedLineIsRefused()
    {
        foreach (var line in Invalid)
        {
            Assert.False(JsonObjectScanner.TryScan(Encoding.UTF8.GetBytes(line), new JsonProperties()), line);
        }
    }

    /// <summary>
    /// Thousands of lines made by cutting, repeating and replacing bytes of valid ones: on each the
    /// scanner says what the reader says, and agrees on every property where both accept.
    /// </summary>
    [Fact]
    public void MutatedLinesGetTheReadersVerdict()
    {
        var random = new Random(20261130);
        var alphabet = "{}[]\":,\\ut0-.e+1 aEfnr/\t\n\x01"u8.ToArray();
        var accepted = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var line = Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)]).ToList();
            for (var edits = random.Next(1, 4); edits > 0 && line.Count > 0; edits--)
            {
                var at = random.Next(line.Count);
                switch (random.Next(3))
                {
                    case 0:
                        line.RemoveAt(at);
                        break;
                    case 1:
                        line.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        line[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                }
            }

            // Lines reach parsers as valid UTF-8 (the preparer replaces bad bytes); a cut through a character is not one.
            var bytes = line.ToArray();
            if (!Utf8.IsValid(bytes))
            {
                continue;
            }

            var scanned = new JsonProperties();
            var reference = ReaderProperties(bytes);
            Assert.True(JsonObjectScanner.TryScan(bytes, scanned) == reference is not null, Encoding.UTF8.GetString(bytes));
            if (reference is not null)
            {
                Assert.Equal(reference, scanned.Span.ToArray());
                accepted++;
            }
        }

        // Both verdicts were exercised, not only refusals.
        Assert.InRange(accepted, 100, 19_900);
    }

    /// <summary>
    /// The scanner finds a string's end 64 bytes at a time (fewer at the line's end, bytes one by one
    /// on a line under 16): a quote, an escape or a raw control character put at every offset of
    /// lines of every length up to 200 bytes lands on each side of every block and window boundary,
    /// and each verdict is the reader's.
    /// </summary>
    [Fact]
    public void StopsAtEveryOffsetOfLinesOfEveryLengthGetTheReadersVerdict()
    {
        int accepted = 0, refused = 0;
        foreach (var stop in new[] { "\\\"", "\\u00e9", "\\", "\t", "\"" })
        {
            for (var length = 0; length <= 200; length++)
            {
                for (var at = 0; at <= length; at++)
                {
                    var value = new string('x', at) + stop + new string('y', length - at);
                    foreach (var line in new[] { $$"""{"k":"{{value}}"}""", $$"""{"{{value}}":1,"b":"{{value}}"}""" })
                    {
                        var bytes = Encoding.UTF8.GetBytes(line);
                        var scanned = new JsonProperties();
                        var reference = ReaderProperties(bytes);
                        Assert.True(JsonObjectScanner.TryScan(bytes, scanned) == reference is not null, line);
                        if (reference is not null)
                        {
                            Assert.Equal(reference, scanned.Span.ToArray());
                            accepted++;
                        }
                        else
                        {
                            refused++;
                        }
                    }
                }
            }
        }

        // Two of the five stops are valid escapes, three make every line invalid.
        Assert.Equal((2 * refused) / 3, accepted);
    }

    /// <summary>
    /// Long strings cross many 64-byte windows with no stop in them: from 8 KiB to 100 KB, with an
    /// escape or a raw tab near either end or in the middle, each verdict is the reader's.
    /// </summary>
    [Fact]
    public void LongLinesGetTheReadersVerdict()
    {
        int accepted = 0, refused = 0;
        foreach (var length in new[] { 8_170, 8_190, 8_200, 8_250, 65_600, 100_000 })
        {
            foreach (var stop in new[] { "\\n", "\t" })
            {
                foreach (var at in new[] { 1, length / 2, length - 2 })
                {
                    var value = new string('x', at) + stop + new string('y', length - at);
                    var bytes = Encoding.UTF8.GetBytes($$"""{"a":1,"k":"{{value}}","z":[true]}""");
                    var scanned = new JsonProperties();
                    var reference = ReaderProperties(bytes);
                    Assert.True(JsonObjectScanner.TryScan(bytes, scanned) == reference is not null, $"{length} {at} {stop}");
                    if (reference is not null)
                    {
                        Assert.Equal(reference, scanned.Span.ToArray());
                        accepted++;
                    }
                    else
                    {
                        refused++;
                    }
                }
            }
        }

        // The escape is valid and the raw tab is not, at every place.
        Assert.Equal((18, 18), (accepted, refused));
    }

    /// <summary>The properties as System.Text.Json's reader finds them, or null when it refuses the line as one object.</summary>
    private static JsonProperty[]? ReaderProperties(byte[] line)
    {
        var properties = new JsonProperties();
        return JsonObjectReader.Read(line, properties) is null ? properties.Span.ToArray() : null;
    }
}
