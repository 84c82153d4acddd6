using System.Net.Sockets;

namespace LogSidecar.Diagnostics;

/// <summary>One accepted connection of the <see cref="HealthServer"/>: its socket, its deadline, and whether it was closed to make room for a newer one.</summary>
internal sealed class HealthConnection : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenSource _cancel;

    public HealthConnection(Socket socket, TimeSpan timeout, TimeProvider time, CancellationToken stop)
    {
        Socket = socket;
        _deadline = new CancellationTokenSource(timeout, time);
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop, _deadline.Token);
    }

    public Socket Socket { get; }

    /// <summary>Fires at the deadline, at shutdown, or when the connection is evicted.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Its place among the connections still waiting for their request; null once it is being answered. Changed under the server's lock.</summary>
    public LinkedListNode<HealthConnection>? Node { get; set; }

    public bool Evicted { get; private set; }

    /// <summary>Closes it to make room: set before the cancellation, so the connection sees why it ended.</summary>
    public void Evict()
    {
        Evicted = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        _cancel.Dispose();
        _deadline.Dispose();
        Socket.Dispose();
    }
}
