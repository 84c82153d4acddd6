using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Admission;

/// <summary>
/// What a client that is not the API server can make the webhook do, over real HTTPS: bodies past the limit,
/// more requests than the injector answers at once, bytes that are not UTF-8. Each gets an answer that says
/// why, is counted in /metrics, and leaves the injector bounded and serving.
/// </summary>
public sealed class AdmissionHandlerTests(WebhookFixture webhook)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Pod() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = new JsonObject { ["app"] = "web" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
    };

    [Fact]
    public async Task ABodyLargerThanTheLimitGets413WithAMessageWithoutBeingReadAndIsCounted()
    {
        await using var small = await WebhookFixture.StartAsync(options => options.MaxRequestBytes = 64 * 1024);
        using var request = Post(small, new ByteArrayContent(PaddedReview(100 * 1024)));

        using var response = await small.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.Contains("over the limit of 65536 bytes (maxRequestBytes)", body, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_requests_total{webhook=\"namespace-enabled\",result=\"refused\",reason=\"too-large\"} 1", await small.MetricsAsync(), StringComparison.Ordinal);
        await AssertStillServesAsync(small);
    }

    [Fact]
    public async Task ABodySentWithoutALengthThatGrowsPastTheLimitGets413WithAMessage()
    {
        await using var small = await WebhookFixture.StartAsync(options => options.MaxRequestBytes = 64 * 1024);
        using var request = Post(small, new HalvesContent(PaddedReview(100 * 1024), Task.CompletedTask, declareLength: false));
        Assert.Null(request.Content!.Headers.ContentLength);

        using var response = await small.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("(maxRequestBytes)", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Contains("result=\"refused\",reason=\"too-large\"} 1", await small.MetricsAsync(), StringComparison.Ordinal);
        await AssertStillServesAsync(small);
    }

    [Fact]
    public async Task ARequestBeyondTheConcurrencyBoundGets503WithAMessageWhileTheOthersAreAnswered()
    {
        await using var one = await WebhookFixture.StartAsync(options =>
        {
            options.MaxConcurrentReviews = 1;
            options.MaxQueuedReviews = 0;
        });

        // The first request holds the only slot: its body arrives in two halves, the second only when the test says.
        var review = Encoding.UTF8.GetBytes(AdmissionReviews.Request(Pod(), "shop").ToJsonString());
        var release = new TaskCompletionSource();
        var slow = Post(one, new HalvesContent(review, release.Task, declareLength: true));
        HttpStatusCode secondStatus;
        string secondBody;
        string? retryAfter;
        using (var secondRequest = Post(one, new ByteArrayContent(review)))
        {
            var first = one.Client.SendAsync(slow, Token);
            try
            {
                await WaitForMetricAsync(one, "logsidecar_injector_reviews_in_flight 1");
                using var second = await one.Client.SendAsync(secondRequest, Token);
                (secondStatus, secondBody, retryAfter) = (second.StatusCode, await second.Content.ReadAsStringAsync(Token), second.Headers.RetryAfter?.ToString());
            }
            finally
            {
                release.TrySetResult();
                using var answered = await first;
                slow.Dispose();
                Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, secondStatus);
        Assert.Contains("(maxConcurrentReviews)", secondBody, StringComparison.Ordinal);
        Assert.Equal("1", retryAfter);
        var metrics = await one.MetricsAsync();
        Assert.Contains("result=\"refused\",reason=\"queue-full\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("result=\"injected\",reason=\"none\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_reviews_in_flight 0", metrics, StringComparison.Ordinal);
        await AssertStillServesAsync(one);
    }

    [Fact]
    public async Task AUidThatIsNotUtf8IsNamedWithWhatIsWrong()
    {
        var prefix = Encoding.UTF8.GetBytes("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"ab""");
        var suffix = Encoding.UTF8.GetBytes("\"}}");
        byte[] body = [.. prefix, 0xFF, 0xFE, .. suffix];

        using var request = Post(webhook, new ByteArrayContent(body));
        using var response = await webhook.Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.Contains("request.uid: the text is not valid UTF-8", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.String", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWindowsPodIsSkippedAndCountedWithItsReason()
    {
        var pod = Pod();
        pod["spec"]!["os"] = new JsonObject { ["name"] = "windows" };

        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));

        Assert.True((bool)response["allowed"]!);
        Assert.Contains("runs on Windows", (string?)response["warnings"]![0], StringComparison.Ordinal);
        Assert.DoesNotContain("initContainers", AdmissionReviews.PatchText(response), StringComparison.Ordinal);
        Assert.Contains("result=\"skipped\",reason=\"windows\"}", await webhook.MetricsAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(WebhookFixture server, HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        // HTTP/2, as the API server speaks to webhooks over TLS: an early answer to a body still being sent arrives whole.
        return new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseAddress, WebhookServer.NamespaceEnabledPath))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>A valid review padded with an annotation to about <paramref name="bytes"/> bytes.</summary>
    private static byte[] PaddedReview(int bytes)
    {
        var pod = Pod();
        pod["metadata"]!["annotations"] = new JsonObject { ["padding"] = new string('x', bytes) };
        return Encoding.UTF8.GetBytes(AdmissionReviews.Request(pod, "shop").ToJsonString());
    }

    private static async Task AssertStillServesAsync(WebhookFixture server)
    {
        var response = await AdmissionReviews.ReviewAsync(server.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(Pod(), "shop"));
        Assert.NotNull(response["patch"]);
    }

    /// <summary>Polls /metrics until it shows <paramref name="line"/>; the deadline only bounds a failing test.</summary>
    private static async Task WaitForMetricAsync(WebhookFixture server, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await server.MetricsAsync()).Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"/metrics never showed {line}");
            await Task.Delay(20, Token);
        }
    }

    /// <summary>Sends the first half of the body at once and the second once <paramref name="release"/> completes; with or without a Content-Length.</summary>
    private sealed class HalvesContent(byte[] body, Task release, bool declareLength) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return declareLength;
        }
    }
}
