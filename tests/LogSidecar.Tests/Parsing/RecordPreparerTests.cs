using System.Text;
using LogSidecar.Tests.Sinks;
using LogSidecar.Tests.Sinks.Elasticsearch;
using LogSidecar.Tests.Sinks.Receivers;

namespace LogSidecar.Tests.Parsing;

/// <summary>Each record is made valid UTF-8 and parsed once, before it goes to stdout and the backends.</summary>
public class RecordPreparerTests
{
    [Fact]
    public async Task InModeBothARecordIsParsedAndCheckedOnceSoParseErrorsAndInvalidBytesCountOnce()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        using (var file = File.Create(log))
        {
            for (var n = 1; n <= 50; n++)
            {
                file.Write(Encoding.UTF8.GetBytes($$"""{"level":"info","msg":"line {{n}}","n":{{n}}}""" + "\n"));
            }

            // Two lines that are not JSON and three that carry two invalid bytes each (and parse).
            file.Write("not json at all\n"u8);
            file.Write("{\"msg\":\"unterminated\n"u8);
            for (var n = 0; n < 3; n++)
            {
                file.Write([.. "{\"msg\":\"bad "u8, 0xFF, 0xFE, .. " bytes\"}\n"u8]);
            }
        }

        const int records = 55;
        await using var receiver = new ElasticsearchBulkReceiver();
        await receiver.StartAsync();
        using var metrics = new MetricsEndpoint();

        await using var sidecar = ShippingSidecar.Start(dir, log, ElasticsearchShippingTests.Sink(receiver), mode: "both", flags: ["--format", "json", .. metrics.Flags]);
        var text = await metrics.WaitUntilAsync(
            scrape => MetricsEndpoint.Value(scrape, "logsidecar_records_written_total") == records && receiver.Documents.Count == records,
            "every record on stdout and in the backend",
            sidecar.Process);

        Assert.Equal(2, MetricsEndpoint.Value(text, "logsidecar_parse_errors_total{stream=\"app\"}"));
        Assert.Equal(6, MetricsEndpoint.Value(text, "logsidecar_invalid_utf8_bytes_total"));
        Assert.Equal(3, receiver.Documents.Values.Count(document => document["message"]?.GetValue<string>() == "bad \uFFFD\uFFFD bytes"));
        Assert.Equal(2, receiver.Documents.Values.Count(document => document["parse_error"] is not null));
    }
}
