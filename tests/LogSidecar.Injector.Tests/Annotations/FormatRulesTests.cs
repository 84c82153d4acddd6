using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class FormatRulesTests
{
    [Theory]
    [InlineData(@"^(\w+) \1$", "backreference")]
    [InlineData(@"^(?=\d{4})", "lookahead")]
    [InlineData(@"(?<!\\)\n", "lookbehind")]
    [InlineData(@"^(?>\s+)\S", "atomic")]
    [InlineData(@"^(?(\d)\d+|x)", "conditional")]
    public void APatternThatNeedsBacktrackingIsAcceptedWithAWarningThatItRunsWithATimeLimit(string pattern, string feature)
    {
        var findings = new AnnotationFindings();

        var choice = FormatRules.Check(null, null, pattern, FormatKeys.Annotations, "", findings);

        Assert.Equal(pattern, choice.Multiline!.FirstLine);
        Assert.Empty(findings.Denials);
        var warning = Assert.Single(findings.Warnings);
        Assert.Contains(feature, warning, StringComparison.Ordinal);
        Assert.Contains("time limit per line", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"^(a+)+$")]
    [InlineData(@"^\d{4}-\d{2}-\d{2}")]
    [InlineData(@"^(?<time>\S+) (?<level>\w+) (?<message>.*)$")]
    public void APatternTheLinearTimeEngineRunsIsAcceptedWithoutAWarning(string pattern)
    {
        var findings = new AnnotationFindings();

        FormatRules.Check(null, null, pattern, FormatKeys.Annotations, "", findings);

        Assert.Empty(findings.Warnings);
        Assert.Empty(findings.Denials);
    }

    [Fact]
    public void ARegexFormatPatternThatNeedsBacktrackingWarnsUnderTheRegexKey()
    {
        var findings = new AnnotationFindings();

        FormatRules.Check("regex", @"^(?<word>\w+) \k<word>$", null, FormatKeys.Annotations, "", findings);

        Assert.StartsWith(AnnotationKeys.Regex + ": ", Assert.Single(findings.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void APatternThatDoesNotCompileIsDeniedWithTheReasonAndTheOffsetOnce()
    {
        var findings = new AnnotationFindings();

        FormatRules.Check(null, null, "(?<unclosed", FormatKeys.Annotations, "", findings);

        var denial = Assert.Single(findings.Denials);
        Assert.Contains("unrecognized grouping construct at offset 11", denial, StringComparison.Ordinal);
        Assert.DoesNotContain("..", denial, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(denial, "unclosed"));
    }

    [Fact]
    public void AVeryLongPatternIsDeniedAndEchoedCut()
    {
        var findings = new AnnotationFindings();

        FormatRules.Check(null, null, new string('a', 10_000), FormatKeys.Annotations, "", findings);

        var denial = Assert.Single(findings.Denials);
        Assert.Contains("longer than 4096", denial, StringComparison.Ordinal);
        Assert.True(denial.Length < 400, denial);
    }
}
