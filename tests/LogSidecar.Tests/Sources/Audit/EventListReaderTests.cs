using System.Buffers;
using System.Text;
using System.Text.Json;
using LogSidecar.Sources.Audit;

namespace LogSidecar.Tests.Sources.Audit;

public class EventListReaderTests
{
    [Fact]
    public void EachItemBecomesOneCompactLineWithTheKindAndApiVersionTheListLeftOut()
    {
        var body = """
            {
              "kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {},
              "items": [
                { "auditID": "a", "verb": "get", "requestObject": { "text": "two\nlines", "name": "caf\u00e9" } },
                { "kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "b" }
              ]
            }
            """;
        var lines = new ArrayBufferWriter<byte>();

        var error = EventListReader.Read(Encoding.UTF8.GetBytes(body), lines, out var events);

        Assert.Null(error);
        Assert.Equal(2, events);
        var text = Encoding.UTF8.GetString(lines.WrittenSpan);
        Assert.Equal(
            "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"get\",\"requestObject\":{\"text\":\"two\\nlines\",\"name\":\"café\"}}\n"
            + "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"b\"}\n",
            text);
        Assert.All(text.TrimEnd('\n').Split('\n'), line => JsonDocument.Parse(line).Dispose());
    }

    [Theory]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":null}")]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\"}")]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}")]
    public void ListWithoutItemsIsValidAndWritesNothing(string body)
    {
        var lines = new ArrayBufferWriter<byte>();

        Assert.Null(EventListReader.Read(Encoding.UTF8.GetBytes(body), lines, out var events));
        Assert.Equal(0, events);
        Assert.Equal(0, lines.WrittenCount);
    }

    [Theory]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1beta1\",\"items\":[]}", "apiVersion audit.k8s.io/v1beta1")]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":{}}", "items is not a list")]
    [InlineData("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[{\"auditID\":\"a\"},\"b\"]}", "items[1] is not an event object")]
    [InlineData("\"EventList\"", "not an object")]
    [InlineData("", "not valid JSON")]
    public void InvalidBodyIsDescribedAndWritesNoLineAtAll(string body, string message)
    {
        var lines = new ArrayBufferWriter<byte>();

        var error = EventListReader.Read(Encoding.UTF8.GetBytes(body), lines, out var events);

        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal(0, events);
        Assert.Equal(0, lines.WrittenCount);
    }
}
