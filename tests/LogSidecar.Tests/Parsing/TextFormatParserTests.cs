using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tests.Parsing;

public class TextFormatParserTests
{
    [Fact]
    public void LogfmtFollowsGoQuotingRules()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Logfmt),
            """ts=2026-11-23T10:00:01Z level=info msg="order \"1043\" shipped" order_id=1043 carrier="DHL Express" retry""");

        Assert.True(parsed.Ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 1, TimeSpan.Zero), parsed.Time);
        Assert.Equal("INFO", parsed.Severity);
        Assert.Equal("order \"1043\" shipped", parsed.Message);
        Assert.Equal(new Dictionary<string, string> { ["order_id"] = "1043", ["carrier"] = "DHL Express", ["retry"] = "" }, parsed.Fields);
    }

    [Theory]
    [InlineData("just words here", "no key=value pairs")]
    [InlineData("msg=\"never closed", "unterminated quoted value")]
    public void LogfmtWithoutPairsOrWithBrokenQuotesIsRejected(string line, string reason)
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Logfmt), line);

        Assert.False(parsed.Ok);
        Assert.Equal(reason, parsed.Error);
    }

    [Fact]
    public void NginxAccessLogThroughARegexWithNamedGroups()
    {
        const string regex = """^(?<remote_addr>\S+) - (?<remote_user>\S+) \[(?<time>[^\]]+)\] "(?<method>\S+) (?<path>\S+) (?<protocol>[^"]+)" (?<status>\d{3}) (?<bytes>\d+) "(?<referer>[^"]*)" "(?<user_agent>[^"]*)"$""";
        var stream = ParserHarness.Stream(RecordFormats.Regex, regex);

        var parsed = ParserHarness.Parse(stream, """10.1.2.4 - - [23/Nov/2026:10:00:03 +0100] "POST /orders HTTP/1.1" 500 87 "-" "Mozilla/5.0 (X11)" """.TrimEnd());

        Assert.True(parsed.Ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 3, TimeSpan.Zero), parsed.Time);
        Assert.Equal("500", parsed.Fields["status"]);
        Assert.Equal("/orders", parsed.Fields["path"]);
        Assert.Equal("Mozilla/5.0 (X11)", parsed.Fields["user_agent"]);
        Assert.Null(parsed.Message);
    }

    [Fact]
    public void RegexThatNeverMatchesRejectsEveryLineWithAReason()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Regex, "^(?<level>NEVER)$"), "anything at all");

        Assert.False(parsed.Ok);
        Assert.Equal("regex did not match", parsed.Error);
    }

    [Fact]
    public void KlogHeaderGivesTimeSeverityThreadAndSource()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Klog),
            "E1123 10:00:01.123456    1234 reflector.go:147] k8s.io/client-go: Failed to watch *v1.Pod: the server is unavailable");

        Assert.True(parsed.Ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 1, TimeSpan.Zero).AddTicks(1_234_560), parsed.Time);
        Assert.Equal("ERROR", parsed.Severity);
        Assert.Equal("k8s.io/client-go: Failed to watch *v1.Pod: the server is unavailable", parsed.Message);
        Assert.Equal(new Dictionary<string, string> { ["thread"] = "1234", ["source"] = "reflector.go:147" }, parsed.Fields);
    }

    [Fact]
    public void StructuredKlogSplitsTheQuotedMessageFromItsKeyValueTail()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Klog),
            """I1123 10:00:02.000001       1 kubelet.go:2412] "SyncLoop (PLEG): event for pod" pod="kube-system/coredns-5d78c9869d-x2x7q" event={"ID":"a1","Type":"ContainerStarted"} ready=true""");

        Assert.Equal("INFO", parsed.Severity);
        Assert.Equal("SyncLoop (PLEG): event for pod", parsed.Message);
        Assert.Equal("kube-system/coredns-5d78c9869d-x2x7q", parsed.Fields["pod"]);
        Assert.Equal("""{"ID":"a1","Type":"ContainerStarted"}""", parsed.Fields["event"]);
        Assert.Equal("true", parsed.Fields["ready"]);
    }

    [Fact]
    public void KlogTakesTheYearItWasReadInButNotAFutureDate()
    {
        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.Klog), "W1231 23:59:59.000000 1 a.go:1] late last year");

        Assert.Equal(2025, parsed.Time!.Value.Year);
        Assert.Equal("WARN", parsed.Severity);
    }

    [Fact]
    public void KubernetesAuditEventBecomesASummaryWithTheFieldsOperatorsFilterOn()
    {
        const string line = """{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"6d1c4b86-5ad1-4d7e-9b60-2f4c2f0b8e21","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/secrets/db","verb":"get","user":{"username":"system:serviceaccount:shop:web","groups":["system:serviceaccounts"]},"sourceIPs":["10.0.3.7"],"userAgent":"kubectl/v1.31.0","objectRef":{"resource":"secrets","namespace":"shop","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403},"requestReceivedTimestamp":"2026-11-23T10:00:01.100000Z","stageTimestamp":"2026-11-23T10:00:01.104512Z"}""";

        var parsed = ParserHarness.Parse(ParserHarness.Stream(RecordFormats.KubernetesAudit), line);

        Assert.True(parsed.Ok);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 1, TimeSpan.Zero).AddTicks(1_045_120), parsed.Time);
        Assert.Equal("WARN", parsed.Severity);
        Assert.Equal("get secrets shop/db by system:serviceaccount:shop:web -> 403", parsed.Message);
        Assert.Equal("6d1c4b86-5ad1-4d7e-9b60-2f4c2f0b8e21", parsed.Fields["auditID"]);
        Assert.Equal("ResponseComplete", parsed.Fields["stage"]);
        Assert.Equal("""["10.0.3.7"]""", parsed.Fields["sourceIPs"]);
        Assert.Equal("403", parsed.Fields["responseStatus.code"]);
        Assert.Equal("secrets", parsed.Fields["objectRef.resource"]);
    }
}
