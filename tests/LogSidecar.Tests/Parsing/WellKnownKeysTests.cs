using System.Text;
using LogSidecar.Parsing;

namespace LogSidecar.Tests.Parsing;

public sealed class WellKnownKeysTests
{
    [Fact]
    public void EveryBuiltInKeyIsFoundWithItsRanksAndNoOtherKeyIs()
    {
        var keys = new WellKnownKeys(ParserHarness.Stream("json"));
        foreach (var (list, rank) in new[]
        {
            (WellKnownKeys.DefaultTimeKeys, (Func<KeyRoles, int>)(r => r.Time)),
            (WellKnownKeys.DefaultLevelKeys, r => r.Level),
            (WellKnownKeys.DefaultMessageKeys, r => r.Message),
        })
        {
            for (var i = 0; i < list.Length; i++)
            {
                Assert.Equal(i, rank(keys.Find(Encoding.UTF8.GetBytes(list[i]))));
            }
        }

        // Near misses: one byte more or less, another case, a NUL after a known key (same bytes as a number), empty.
        foreach (var other in new[] { "tim", "timex", "Time", "ts\0", "t\0\0", "levelnam", "severity_tex", "severity_texts", "", "messages", "x" })
        {
            Assert.Equal(KeyRoles.None, keys.Find(Encoding.UTF8.GetBytes(other)));
        }
    }

    [Fact]
    public void AStreamsOwnKeysReplaceTheBuiltInOnesAndAllAreFoundHoweverManyCollide()
    {
        // 300 keys of 1 to 12 bytes fill the table's slots enough that probes must go past their first.
        var time = Enumerable.Range(0, 100).Select(i => "t" + i).ToList();
        var level = Enumerable.Range(0, 100).Select(i => "lvl-" + i * 7919).ToList();
        var message = Enumerable.Range(0, 100).Select(i => "message.text." + i).ToList();
        var stream = ParserHarness.Stream("json");
        (stream.TimeKeys, stream.LevelKeys, stream.MessageKeys) = (time, level, message);
        var keys = new WellKnownKeys(stream);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, keys.Find(Encoding.UTF8.GetBytes(time[i])).Time);
            Assert.Equal(i, keys.Find(Encoding.UTF8.GetBytes(level[i])).Level);
            Assert.Equal(i, keys.Find(Encoding.UTF8.GetBytes(message[i])).Message);
        }

        Assert.Equal(KeyRoles.None, keys.Find("time"u8));
        Assert.Equal(KeyRoles.None, keys.Find("t100"u8));
        Assert.Equal(KeyRoles.None, keys.Find(""u8));
    }

    [Fact]
    public void AnEmptyKeyIsFoundWhenAStreamNamesIt()
    {
        var stream = ParserHarness.Stream("json");
        stream.MessageKeys = ["", "msg"];
        var keys = new WellKnownKeys(stream);
        Assert.Equal(new KeyRoles(-1, -1, 0), keys.Find(""u8));
        Assert.Equal(new KeyRoles(-1, -1, 1), keys.Find("msg"u8));
    }
}
