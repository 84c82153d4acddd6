using System.Text;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Parsing;
using LogSidecar.Text;

namespace LogSidecar.Tests.Parsing;

public class RegexParserTests
{
    // Nested quantifiers: exponential for a backtracking engine on a line that almost matches.
    private const string Catastrophic = @"^(?<message>(\w+\s?)+)$";
    private static readonly string AlmostMatching = new string('a', 5000) + "!";

    [Fact]
    public void ACatastrophicPatternRunsInLinearTimeSoALineThatDoesNotMatchSimplyDoesNotMatch()
    {
        var (timeouts, backtracking, parser) = Create(Catastrophic);
        var record = new ParsedRecord();

        Assert.False(ParserHarness.Run(parser, Encoding.UTF8.GetBytes(AlmostMatching), record));
        Assert.Equal("regex did not match", record.Error);
        Assert.True(ParserHarness.Run(parser, "two words"u8, record));
        Assert.Equal(0, timeouts());
        Assert.Null(backtracking());
    }

    [Fact]
    public void APatternThatNeedsBacktrackingKeepsItsTimeoutAndReportsWhyAndEveryTimeout()
    {
        var (timeouts, backtracking, parser) = Create(@"^(?=\w)" + Catastrophic[1..]);
        var record = new ParsedRecord();

        Assert.False(ParserHarness.Run(parser, Encoding.UTF8.GetBytes(AlmostMatching), record));
        Assert.StartsWith("regex took longer than 250 ms", record.Error, StringComparison.Ordinal);
        Assert.False(ParserHarness.Run(parser, Encoding.UTF8.GetBytes(AlmostMatching), record));
        Assert.Equal(2, timeouts());
        Assert.Contains("lookahead", backtracking(), StringComparison.Ordinal);
    }

    private static (Func<int> Timeouts, Func<string?> Backtracking, IRecordParser Parser) Create(string pattern)
    {
        var timeouts = 0;
        string? backtracking = null;
        var use = new RegexUse(reason => backtracking = reason, () => timeouts++);
        var parser = RecordParsers.Create(ParserHarness.Stream(RecordFormats.Regex, pattern), use)!;
        return (() => timeouts, () => backtracking, parser);
    }
}
