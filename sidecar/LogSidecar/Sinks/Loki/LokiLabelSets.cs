using System.Text.Encodings.Web;
using System.Text.Json;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Pipeline;
using LogSidecar.Sinks.Batching;

namespace LogSidecar.Sinks.Loki;

/// <summary>
/// The Loki stream label sets, numbered: a file's labels depend only on the pod, the file's stream
/// and its path, never on a line, so Loki's stream count stays bounded by the files tailed. The
/// number is a <see cref="ShipItem.Group"/>; the set's JSON object is written once per stream of a
/// request.
/// </summary>
internal sealed class LokiLabelSets
{
    // Label names: Loki's (and Promtail's) usual names, so existing dashboards and LogQL selectors work.
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [LokiLabels.Namespace] = "namespace",
        [LokiLabels.Pod] = "pod",
        [LokiLabels.Container] = "container",
        [LokiLabels.Node] = "node_name",
        [LokiLabels.Stream] = "stream",
        [LokiLabels.File] = "filename",
    };

    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IReadOnlyList<string> _labels;
    private readonly PodMetadata _pod;

    // Never cleared: pending items refer to sets by number, and there are only as many sets as
    // distinct (stream, path) pairs, which the tailed globs bound.
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<byte[]> _sets = [];
    private readonly List<byte[]> _selectors = [];
    private readonly PerFile<int> _byFile;

    public LokiLabelSets(IReadOnlyList<string> labels, PodMetadata pod)
    {
        _labels = labels;
        _pod = pod;
        _byFile = new PerFile<int>(Number);
    }

    /// <summary>The set of a file's records.</summary>
    public int For(TrackedFile file) => _byFile[file];

    /// <summary>The set as a JSON object, such as <c>{"namespace":"shop","pod":"web-1"}</c>.</summary>
    public ReadOnlySpan<byte> Json(int number) => _sets[number];

    /// <summary>The set as the protobuf push wants it, a Prometheus selector such as <c>{namespace="shop", pod="web-1"}</c>.</summary>
    public ReadOnlySpan<byte> Selector(int number) => _selectors[number];

    private int Number(TrackedFile file)
    {
        var pairs = Pairs(file);
        var json = Json(pairs);
        var key = System.Text.Encoding.UTF8.GetString(json);
        if (!_numbers.TryGetValue(key, out var number))
        {
            number = _sets.Count;
            _sets.Add(json);
            _selectors.Add(Selector(pairs));
            _numbers[key] = number;
        }

        return number;
    }

    private List<(string Name, string Value)> Pairs(TrackedFile file)
    {
        var pairs = new List<(string Name, string Value)>();
        var pod = _pod.For(file.Stream);
        foreach (var label in _labels.Distinct(StringComparer.Ordinal))
        {
            var value = label switch
            {
                LokiLabels.Namespace => pod.Namespace,
                LokiLabels.Pod => pod.PodName,
                LokiLabels.Container => pod.ContainerName,
                LokiLabels.Node => pod.NodeName,
                LokiLabels.Stream => file.Stream,
                LokiLabels.File => file.Path,
                _ => null,
            };

            // Loki drops empty label values; a missing pod fact is simply left out.
            if (!string.IsNullOrEmpty(value) && Names.TryGetValue(label, out var name))
            {
                pairs.Add((name, value));
            }
        }

        // Loki refuses a stream without labels ("at least one label pair is required per stream"):
        // when none of the chosen facts is known (no downward-API variables), the stream name stands in.
        if (pairs.Count == 0)
        {
            pairs.Add(("stream", file.Stream.Length > 0 ? file.Stream : "default"));
        }

        return pairs;
    }

    private static byte[] Json(List<(string Name, string Value)> pairs)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in pairs)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    // Label values are Go-quoted strings in a selector: backslash, quote and newline are escaped.
    private static byte[] Selector(List<(string Name, string Value)> pairs)
    {
        var text = new System.Text.StringBuilder("{");
        foreach (var (name, value) in pairs)
        {
            text.Append(text.Length == 1 ? "" : ", ").Append(name).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return System.Text.Encoding.UTF8.GetBytes(text.Append('}').ToString());
    }

    /// <summary>
    /// The selected items grouped by label set, and within a set in the order read (the index breaks
    /// ties), so Loki sees each stream's entries in order even when files interleave in a batch.
    /// </summary>
    public static void Order(ShipItems items, IReadOnlyList<int> selected, List<(int Group, int Index)> order)
    {
        order.Clear();
        foreach (var index in selected)
        {
            order.Add((items[index].Group, index));
        }

        order.Sort();
    }
}
