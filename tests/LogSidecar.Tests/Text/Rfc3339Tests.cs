using System.Globalization;
using System.Text;
using LogSidecar.Text;

namespace LogSidecar.Tests.Text;

public class Rfc3339Tests
{
    [Fact]
    public void EachTimeIsWrittenWithItsOwnSecondWhateverWasWrittenBefore()
    {
        // The writer keeps the last second's text: times of that second, the next, the one before and another day must each read as themselves.
        var writer = new Rfc3339();
        DateTime[] times =
        [
            new(2026, 11, 23, 10, 0, 1, 250, DateTimeKind.Utc),
            new DateTime(2026, 11, 23, 10, 0, 1, DateTimeKind.Utc).AddTicks(9_999_999),
            new DateTime(2026, 11, 23, 10, 0, 1, DateTimeKind.Utc).AddTicks(1_234_567),
            new DateTime(2026, 11, 23, 10, 0, 1, DateTimeKind.Utc).AddTicks(10_203),
            new(2026, 11, 23, 10, 0, 2, DateTimeKind.Utc),
            new(2026, 11, 23, 10, 0, 1, 1, DateTimeKind.Utc),
            new(2026, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
            new DateTime(2026, 11, 23, 11, 0, 1, 500, DateTimeKind.Unspecified).ToLocalTime(),
        ];

        var output = new byte[Rfc3339.MaxLength];
        foreach (var time in times)
        {
            foreach (var digits in new[] { 7, 3, 0 })
            {
                var expected = time.ToUniversalTime().ToString(digits == 0 ? "yyyy-MM-ddTHH:mm:ss'Z'" : $"yyyy-MM-ddTHH:mm:ss.{new string('f', digits)}'Z'", CultureInfo.InvariantCulture);
                Assert.Equal(expected, Encoding.ASCII.GetString(output, 0, writer.Write(time, digits, output)));
            }
        }
    }

    [Fact]
    public void EverySevenDigitFractionIsWrittenAsItsDigits()
    {
        // The seven digits are computed in lanes of one 64-bit number: every digit at every place, and each boundary, reads right.
        var writer = new Rfc3339();
        var second = new DateTime(2026, 11, 23, 10, 0, 1, DateTimeKind.Utc);
        var output = new byte[Rfc3339.MaxLength];
        var fractions = Enumerable.Range(0, 100_000).Select(i => i * 99 + (i % 7))
            .Concat([0, 1, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000, 9_999_999]);
        foreach (var fraction in fractions.Where(f => f < 10_000_000))
        {
            var time = second.AddTicks(fraction);
            var expected = time.ToString("yyyy-MM-ddTHH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Encoding.ASCII.GetString(output, 0, writer.Write(time, 7, output)));
        }
    }
}
