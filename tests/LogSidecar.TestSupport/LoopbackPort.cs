using System.Net;
using System.Net.Sockets;

namespace LogSidecar.TestSupport;

/// <summary>A port that was free on 127.0.0.1 a moment ago, for a program that needs its port before it starts.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
