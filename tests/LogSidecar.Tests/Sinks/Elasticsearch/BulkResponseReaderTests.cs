using System.Text;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Elasticsearch;

namespace LogSidecar.Tests.Sinks.Elasticsearch;

public class BulkResponseReaderTests
{
    [Fact]
    public void ErrorsFalseDeliversEverySelectedItemWithoutReadingItems()
    {
        var verdicts = new DeliveryVerdicts();
        verdicts.Reset(3);

        var outcome = BulkResponseReader.Read("""{"took":3,"errors":false,"items":[]}"""u8, [0, 1, 2], verdicts);

        Assert.Equal(SendOutcome.Done, outcome);
        Assert.All([0, 1, 2], i => Assert.Equal(ItemVerdict.Delivered, verdicts[i]));
    }

    [Fact]
    public void EachItemIsJudgedByItsOwnStatusAndConflictsCountAsDelivered()
    {
        const string response = """
            {"took":30,"errors":true,"items":[
              {"create":{"_index":"logs","_id":"a","status":201,"result":"created"}},
              {"create":{"_index":"logs","_id":"b","status":409,"error":{"type":"version_conflict_engine_exception","reason":"document already exists"}}},
              {"create":{"_index":"logs","_id":"c","status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},
              {"create":{"_index":"logs","_id":"d","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse","caused_by":{"type":"x","reason":"y"}}}},
              {"create":{"_index":"logs","_id":"e","status":503,"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"}}}
            ]}
            """;
        var verdicts = new DeliveryVerdicts();
        verdicts.Reset(10);

        // The request carried items 2, 4, 5, 7 and 9 of the batch (a retry of a subset).
        var outcome = BulkResponseReader.Read(Encoding.UTF8.GetBytes(response), [2, 4, 5, 7, 9], verdicts);

        Assert.Equal([ItemVerdict.Delivered, ItemVerdict.Delivered, ItemVerdict.Retry, ItemVerdict.Rejected, ItemVerdict.Retry], new[] { 2, 4, 5, 7, 9 }.Select(i => verdicts[i]));
        Assert.Equal("mapper_parsing_exception", verdicts.Label(7));
        Assert.Equal("400 mapper_parsing_exception: failed to parse", verdicts.Detail(7));
        Assert.Equal("item_429", outcome.RetryReason);
    }

    [Fact]
    public void ItemsTheResponseLeavesOutAreRetried()
    {
        var verdicts = new DeliveryVerdicts();
        verdicts.Reset(2);

        BulkResponseReader.Read("""{"errors":true,"items":[{"create":{"status":201}}]}"""u8, [0, 1], verdicts);

        Assert.Equal(ItemVerdict.Delivered, verdicts[0]);
        Assert.Equal(ItemVerdict.Unknown, verdicts[1]);
    }

    [Fact]
    public void AResponseThatIsNotABulkAnswerRetriesEverything()
    {
        var verdicts = new DeliveryVerdicts();
        verdicts.Reset(2);

        var outcome = BulkResponseReader.Read("""{"acknowledged":true}"""u8, [0, 1], verdicts);

        Assert.Equal("unreadable_response", outcome.RetryReason);
        Assert.Equal(ItemVerdict.Retry, verdicts[1]);
    }

    [Fact]
    public void AHugeResponseIsReadToTheLastItem()
    {
        const int count = 50_000;
        var response = new StringBuilder("""{"took":1,"errors":true,"items":[""");
        for (var i = 0; i < count; i++)
        {
            response.Append(i == 0 ? "" : ",");
            response.Append(i == count - 1
                ? """{"create":{"_index":"logs","_id":"last","status":400,"error":{"type":"illegal_argument_exception","reason":"too long"}}}"""
                : """{"create":{"_index":"logs","_id":"x","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"status":201}}""");
        }

        response.Append("]}");
        var verdicts = new DeliveryVerdicts();
        verdicts.Reset(count);

        BulkResponseReader.Read(Encoding.UTF8.GetBytes(response.ToString()), [.. Enumerable.Range(0, count)], verdicts);

        Assert.Equal(ItemVerdict.Delivered, verdicts[count - 2]);
        Assert.Equal(ItemVerdict.Rejected, verdicts[count - 1]);
    }
}
