using LogSidecar.Delivery;
using LogSidecar.Sinks.Batching;

namespace LogSidecar.Hosting;

/// <summary>The sinks of a run: which ones each stream feeds, and the shipping ones to dispose at the end.</summary>
internal sealed class SinkSet : IDisposable
{
    public Dictionary<string, ISink[]> Routes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ShippingSink> Shipping { get; } = new(StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var sink in Shipping.Values)
        {
            sink.Dispose();
        }
    }
}
