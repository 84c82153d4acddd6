using System.Net;
using System.Net.Http.Headers;
using LogSidecar.Sinks.Batching;
using LogSidecar.Tests.Sinks.Elasticsearch;
using LogSidecar.Tests.Sinks.Receivers;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Tests.Sinks.Batching;

public class RetryTests
{
    [Fact]
    public void BackoffDoublesWithJitterUpToTheCap()
    {
        var schedule = new RetrySchedule(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromMilliseconds(50), schedule.Delay(0, null, random: 0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), schedule.Delay(0, null, random: 1));
        Assert.Equal(TimeSpan.FromMilliseconds(800), schedule.Delay(3, null, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.Delay(40, null, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(2.5), schedule.Delay(40, null, random: 0));
    }

    [Fact]
    public void RetryAfterFromTheServerWinsOverBackoff()
    {
        var schedule = new RetrySchedule(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(30), schedule.Delay(0, TimeSpan.FromSeconds(30), random: 0.3));
    }

    [Fact]
    public void ARetryAfterOfZeroOrInThePastIsRaisedToAFloorAndKeepsTheJitter()
    {
        var schedule = new RetrySchedule(TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5));

        var calm = schedule.Delay(0, TimeSpan.Zero, random: 0);
        var eager = schedule.Delay(0, TimeSpan.Zero, random: 1);

        Assert.True(calm >= RetrySchedule.ShortestRetryAfter, $"{calm}");
        Assert.NotEqual(calm, eager);
        Assert.Equal(TimeSpan.FromSeconds(2.5), schedule.Delay(40, TimeSpan.FromMilliseconds(1), random: 0));
    }

    [Fact]
    public async Task TheRealSidecarToldToRetryAtOnceWaitsTheFloorFirst()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(10);
        await using var receiver = new ElasticsearchBulkReceiver();
        receiver.FailNext(new RequestFault(429, RetryAfterSeconds: 0));
        await receiver.StartAsync();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), once: true);

        Assert.True(await sidecar.Process.WaitForExitAsync() == 0, sidecar.Process.Errors);
        Assert.Equal(10, receiver.Created);
        Assert.Contains("(status_429); retry 1 in 0.1 s", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "TooManyRequestsAndServerErrors", "Delivered")]
    [InlineData(204, "TooManyRequestsAndServerErrors", "Delivered")]
    [InlineData(400, "TooManyRequestsAndServerErrors", "Rejected")]
    [InlineData(401, "TooManyRequestsAndServerErrors", "Retry")]
    [InlineData(413, "TooManyRequestsAndServerErrors", "Rejected")]
    [InlineData(429, "TooManyRequestsAndServerErrors", "Retry")]
    [InlineData(500, "TooManyRequestsAndServerErrors", "Retry")]
    [InlineData(429, "Otlp", "Retry")]
    [InlineData(500, "Otlp", "Rejected")]
    [InlineData(502, "Otlp", "Retry")]
    [InlineData(503, "Otlp", "Retry")]
    [InlineData(504, "Otlp", "Retry")]
    [InlineData(501, "Otlp", "Rejected")]
    public void StatusesAreClassifiedAsEachBackendDocuments(int status, string rule, string expected) =>
        Assert.Equal(Enum.Parse<ItemVerdict>(expected), ResponseClassifier.ForStatus((HttpStatusCode)status, Enum.Parse<RetryRule>(rule)));

    [Theory]
    [InlineData(201, "Delivered")]
    [InlineData(409, "Delivered")]
    [InlineData(429, "Retry")]
    [InlineData(503, "Retry")]
    [InlineData(400, "Rejected")]
    [InlineData(404, "Rejected")]
    public void BulkItemsTreatAConflictOnCreateAsAlreadyDelivered(int status, string expected) =>
        Assert.Equal(Enum.Parse<ItemVerdict>(expected), ResponseClassifier.ForBulkItem(status));

    [Fact]
    public void RetryAfterIsReadAsSecondsOrAsADateAndCapped()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(90));
        using var tooLong = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        tooLong.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromDays(1));
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(7), ResponseClassifier.RetryAfter(seconds, time));
        Assert.Equal(TimeSpan.FromSeconds(90), ResponseClassifier.RetryAfter(date, time));
        Assert.Equal(TimeSpan.FromMinutes(10), ResponseClassifier.RetryAfter(tooLong, time));
        Assert.Null(ResponseClassifier.RetryAfter(none, time));
    }
}
