using System.Text;
using LogSidecar.Pipeline;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// The part of every JSON record that depends only on the file: <c>file</c>, <c>stream</c> and the
/// pod metadata (with the container of the file's stream), built once per file. Field names under <c>kubernetes</c> follow Fluent Bit's
/// kubernetes filter so existing dashboards and queries keep working.
/// </summary>
internal static class RecordSuffix
{
    public static byte[] Build(TrackedFile file, PodMetadata pod)
    {
        pod = pod.For(file.Stream);
        var json = new StringBuilder(256);
        Field(json, "file", file.Path);
        Field(json, "stream", file.Stream);
        if (!pod.IsEmpty)
        {
            json.Append(",\"kubernetes\":{");
            var length = json.Length;
            Field(json, "pod_name", pod.PodName);
            Field(json, "namespace_name", pod.Namespace);
            Field(json, "pod_id", pod.PodUid);
            Field(json, "host", pod.NodeName);
            Field(json, "container_name", pod.ContainerName);
            json.Remove(length, 1); // the first field's leading comma
            json.Append('}');
        }

        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static void Field(StringBuilder json, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(value);
        var escaped = new byte[JsonEscaper.MaxOutputLength(utf8.Length)];
        var length = JsonEscaper.Escape(utf8, escaped);
        json.Append(",\"").Append(name).Append("\":\"").Append(Encoding.UTF8.GetString(escaped, 0, length)).Append('"');
    }
}
