using System.Text;
using LogSidecar.Multiline;
using LogSidecar.Text;

namespace LogSidecar.Tests.Multiline;

public class RegexLineRuleTests
{
    private static readonly byte[] AlmostMatching = Encoding.UTF8.GetBytes(new string('a', 40) + "!");

    [Fact]
    public void ACatastrophicFirstLinePatternRunsInLinearTimeAndALineItDoesNotMatchContinuesTheRecord()
    {
        var timeouts = 0;
        string? backtracking = null;
        var rule = RegexLineRule.FirstLine("^(a+)+$", new RegexUse(reason => backtracking = reason, () => timeouts++));

        Assert.False(rule.StartsRecord(AlmostMatching));
        Assert.True(rule.StartsRecord("aaaa"u8));
        Assert.Equal(0, timeouts);
        Assert.Null(backtracking);
    }

    [Fact]
    public void ABacktrackingPatternThatTimesOutStartsANewRecordAndIsReported()
    {
        var timeouts = 0;
        string? backtracking = null;
        var rule = RegexLineRule.Continuation("^(?=a)(a+)+$", new RegexUse(reason => backtracking = reason, () => timeouts++));

        Assert.True(rule.StartsRecord(AlmostMatching));
        Assert.Equal(1, timeouts);
        Assert.Contains("lookahead", backtracking, StringComparison.Ordinal);
    }
}
