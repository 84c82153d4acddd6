using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// TLS ClientHello messages written byte by byte (RFC 5246 7.4.1.2), so that a test can offer TLS 1.0 or 1.1 to
/// a server even where the local OpenSSL policy forbids this process's own TLS client to, and can read what the
/// server answers: a ServerHello, an alert, or a closed connection.
/// </summary>
public static class RawTlsHello
{
    /// <summary>A ClientHello whose highest version is <paramref name="version"/> (0x0301 TLS 1.0, 0x0302 TLS 1.1, 0x0303 TLS 1.2).</summary>
    public static byte[] ClientHello(ushort version)
    {
        var body = new List<byte>();
        Add16(body, version);
        body.AddRange(new byte[32]); // client random; its value does not matter for the server's choice of version
        body.Add(0); // no session id
        // ECDHE-ECDSA and ECDHE-RSA with AES-GCM (TLS 1.2) and AES-CBC-SHA (TLS 1.0+), then the renegotiation SCSV.
        ushort[] suites = [0xC02B, 0xC02F, 0xC009, 0xC013, 0x002F, 0x00FF];
        Add16(body, (ushort)(suites.Length * 2));
        foreach (var suite in suites)
        {
            Add16(body, suite);
        }

        body.Add(1);
        body.Add(0); // null compression only
        var extensions = new List<byte>();
        Extension(extensions, 0x000A, [0x00, 0x04, 0x00, 0x17, 0x00, 0x1D]); // supported_groups: secp256r1, x25519
        Extension(extensions, 0x000B, [0x01, 0x00]); // ec_point_formats: uncompressed
        Extension(extensions, 0x000D, [0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01]); // signature_algorithms: ecdsa_p256_sha256, rsa_pss_sha256, rsa_pkcs1_sha256
        Add16(body, (ushort)extensions.Count);
        body.AddRange(extensions);

        var record = new List<byte> { 0x16 }; // handshake record
        Add16(record, 0x0301); // record-layer version: 1.0 for compatibility, as clients send it
        Add16(record, (ushort)(body.Count + 4));
        record.Add(0x01); // ClientHello
        record.Add(0);
        Add16(record, (ushort)body.Count);
        record.AddRange(body);
        return [.. record];
    }

    /// <summary>Sends <see cref="ClientHello"/> to <paramref name="endpoint"/> and classifies the first record of the answer.</summary>
    public static async Task<(TlsHelloAnswer Answer, byte AlertDescription)> OfferAsync(IPEndPoint endpoint, ushort version, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(endpoint, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(ClientHello(version), cancellationToken);
        var header = new byte[7];
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return read < header.Length ? (TlsHelloAnswer.Closed, (byte)0)
            : header[0] == 0x15 ? (TlsHelloAnswer.Alert, header[6])
            : header[0] == 0x16 && header[5] == 0x02 ? (TlsHelloAnswer.ServerHello, (byte)0)
            : throw new InvalidOperationException($"unexpected TLS record type {header[0]}");
    }

    /// <summary>
    /// Whether this process's TLS client (SslStream over the OS's OpenSSL) sends a ClientHello offering
    /// <paramref name="protocol"/> at all: a system crypto policy (OpenSSL security level 2, for one) may forbid
    /// TLS 1.0/1.1 to clients, and then a refused handshake would prove nothing about the server.
    /// </summary>
    public static async Task<bool> LocalClientCanOfferAsync(SslProtocols protocol, ushort version, CancellationToken cancellationToken)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellationToken);
            using var accepted = await listener.AcceptTcpClientAsync(cancellationToken);
            using var ssl = new SslStream(client.GetStream());
#pragma warning disable CA5397, CA5398 // Offering an old protocol is the point: this probes whether the OS lets us.
            var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocol }, cancellationToken);
#pragma warning restore CA5397, CA5398
            var hello = new byte[11];
            var reading = accepted.GetStream().ReadAtLeastAsync(hello, hello.Length, throwOnEndOfStream: false, cancellationToken).AsTask();
            var first = await Task.WhenAny(handshake, reading);
            var offered = first == reading && await reading == hello.Length && hello[0] == 0x16 && hello[5] == 0x01
                && BinaryPrimitives.ReadUInt16BigEndian(hello.AsSpan(9)) == version;
            accepted.Close();
            client.Close();
            try
            {
                await handshake;
            }
            catch (Exception e) when (e is AuthenticationException or IOException or ObjectDisposedException)
            {
                // Expected: nobody answers the probe's hello.
            }

            return offered;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static void Extension(List<byte> extensions, ushort type, byte[] data)
    {
        Add16(extensions, type);
        Add16(extensions, (ushort)data.Length);
        extensions.AddRange(data);
    }

    private static void Add16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
