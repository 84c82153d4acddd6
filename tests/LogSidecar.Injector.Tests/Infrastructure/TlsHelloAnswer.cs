namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>The first record a TLS server sends back to a ClientHello.</summary>
public enum TlsHelloAnswer
{
    /// <summary>The server accepted a version and goes on with the handshake.</summary>
    ServerHello,

    /// <summary>The server refused; the alert description says why (70: protocol_version).</summary>
    Alert,

    /// <summary>The server closed the connection without a word.</summary>
    Closed,
}
