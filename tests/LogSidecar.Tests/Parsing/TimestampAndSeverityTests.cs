using System.Text;
using LogSidecar.Parsing;

namespace LogSidecar.Tests.Parsing;

public class TimestampAndSeverityTests
{
    private static readonly DateTimeOffset Reference = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-23T10:00:01Z", "2026-11-23T10:00:01.0000000+00:00")]
    [InlineData("2026-11-23T10:00:01.123456789Z", "2026-11-23T10:00:01.1234567+00:00")]
    [InlineData("2026-11-23T11:00:01.5+01:00", "2026-11-23T10:00:01.5000000+00:00")]
    [InlineData("2026-11-23T05:00:01-0500", "2026-11-23T10:00:01.0000000+00:00")]
    [InlineData("2026-11-23 10:00:01,250", "2026-11-23T10:00:01.2500000+00:00")]
    [InlineData("2026/11/23 10:00:01", "2026-11-23T10:00:01.0000000+00:00")]
    [InlineData("1795480801", "2026-11-24T00:40:01.0000000+00:00")]
    [InlineData("1795480801.5", "2026-11-24T00:40:01.5000000+00:00")]
    [InlineData("1795480801250", "2026-11-24T00:40:01.2500000+00:00")]
    [InlineData("1795480801250000", "2026-11-24T00:40:01.2500000+00:00")]
    [InlineData("1795480801250000000", "2026-11-24T00:40:01.2500000+00:00")]
    [InlineData("23/Nov/2026:11:00:01 +0100", "2026-11-23T10:00:01.0000000+00:00")]
    [InlineData("Nov 23 10:00:01", "2026-11-23T10:00:01.0000000+00:00")]
    public void AutomaticDetectionReadsCommonLayoutsAndZones(string text, string expected)
    {
        Assert.True(new TimestampParser([]).TryParse(Encoding.UTF8.GetBytes(text), Reference, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Theory]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("10:00:01")]
    [InlineData("soon")]
    public void ImpossibleOrPartialTimesAreNotGuessed(string text) =>
        Assert.False(new TimestampParser([]).TryParse(Encoding.UTF8.GetBytes(text), Reference, out _));

    [Fact]
    public void ASecondReadBeforeDoesNotDecideTheNextTime()
    {
        // One parser reads a stream's times in turn and remembers the last date and time of day: each must still read as its own.
        var parser = new TimestampParser([]);
        (string Text, string? Expected)[] times =
        [
            ("2026-11-23T10:00:01.250Z", "2026-11-23T10:00:01.2500000+00:00"),
            ("2026-11-23T10:00:01.5Z", "2026-11-23T10:00:01.5000000+00:00"),
            ("2026-11-23T10:00:01+01:00", "2026-11-23T09:00:01.0000000+00:00"),
            ("2026-11-23T10:00:01.x", null),
            ("2026-11-23T10:00:01", "2026-11-23T10:00:01.0000000+00:00"),
            (" \"2026-11-23T10:00:01.75Z\" ", "2026-11-23T10:00:01.7500000+00:00"),
            ("2026-11-23 10:00:01.125", "2026-11-23T10:00:01.1250000+00:00"),
            ("2026-11-23T10:00:02.001Z", "2026-11-23T10:00:02.0010000+00:00"),
            ("2026-02-30T10:00:02.001Z", null),
            ("2026-11-23T10:00:01.001Z", "2026-11-23T10:00:01.0010000+00:00"),
        ];

        foreach (var (text, expected) in times)
        {
            var parsed = parser.TryParse(Encoding.UTF8.GetBytes(text), Reference, out var time);
            Assert.Equal(expected is not null, parsed);
            if (expected is not null)
            {
                Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
                Assert.Equal(TimeSpan.Zero, time.Offset);
            }
        }
    }

    [Fact]
    public void ConfiguredFormatsAreTriedInOrder()
    {
        var parser = new TimestampParser(["epoch_s", "dd.MM.yyyy HH:mm"]);

        Assert.True(parser.TryParse("23.11.2026 10:05"u8, Reference, out var custom));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 5, 0, TimeSpan.Zero), custom);
        Assert.True(parser.TryParse("1795480801"u8, Reference, out var seconds));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795480801), seconds);

        // Only the configured formats apply: milliseconds are not guessed when epoch_s was asked for.
        Assert.False(parser.TryParse("1795480801250"u8, Reference, out _));
    }

    [Theory]
    [InlineData("INFO", "INFO", 9)]
    [InlineData("warning", "WARN", 13)]
    [InlineData("fail", "ERROR", 17)]
    [InlineData("crit", "FATAL", 21)]
    [InlineData("SEVERE", "ERROR", 17)]
    [InlineData("E", "ERROR", 17)]
    [InlineData("dbug", "DEBUG", 5)]
    [InlineData("30", "INFO", 9)]
    [InlineData("60", "FATAL", 21)]
    [InlineData("14", "WARN", 14)]
    public void SeveritiesAreNormalisedToOpenTelemetryNumbers(string text, string name, int number)
    {
        var severity = SeverityParser.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Equal((name, number), (severity.Text, severity.Number));
    }

    [Theory]
    [InlineData("")]
    [InlineData("loud")]
    [InlineData("99")]
    public void UnknownSeveritiesStayUnknown(string text) => Assert.False(SeverityParser.Parse(Encoding.UTF8.GetBytes(text)).IsKnown);
}
