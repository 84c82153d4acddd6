using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Hosting;

public sealed partial class PlainHttpResponderTests(WebhookFixture webhook)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlainHttpToTheHttpsPortGetsA400ThatSaysToUseHttpsAndIsCounted()
    {
        var before = PlainHttpConnections(await webhook.MetricsAsync());
        using var plain = new HttpClient { BaseAddress = new UriBuilder(webhook.BaseAddress) { Scheme = "http" }.Uri };

        using var response = await plain.GetAsync(new Uri("/healthz", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("this port speaks HTTPS only", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.True(PlainHttpConnections(await webhook.MetricsAsync()) > before);
    }

    [Fact]
    public async Task TheSamePortStillServesHttpsAfterAPlainHttpClient()
    {
        using var plain = new HttpClient { BaseAddress = new UriBuilder(webhook.BaseAddress) { Scheme = "http" }.Uri };
        using var refused = await plain.PostAsync(new Uri(WebhookServer.NamespaceEnabledPath, UriKind.Relative), new StringContent("{}"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("ok\n", await webhook.Client.GetStringAsync(new Uri("/healthz", UriKind.Relative), Token));
    }

    private static long PlainHttpConnections(string metrics) =>
        long.Parse(PlainHttpLine().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^logsidecar_injector_plain_http_connections_total (\d+)$", RegexOptions.Multiline)]
    private static partial Regex PlainHttpLine();
}
