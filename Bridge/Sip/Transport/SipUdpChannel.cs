using System.Net;
using System.Net.Sockets;

namespace Bridge.Sip;

/// <summary>One bound UDP socket; datagrams in, datagrams out.</summary>
internal sealed class SipUdpChannel : IDisposable
{
    private readonly Socket _socket;

    private SipUdpChannel(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public static SipUdpChannel Bind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // The default ~208 KB buffer overflows in bursts of a few thousand MESSAGEs, and every
            // dropped datagram costs a 500 ms retransmission (measured by bench/: 16-21k drops per 4 s
            // run). The kernel caps the value at net.core.rmem_max.
            socket.ReceiveBufferSize = 4 << 20;
            socket.Bind(endPoint);
            return new SipUdpChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask<SocketReceiveFromResult> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        EndPoint any = LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        return _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote)
    {
        await _socket.SendToAsync(datagram, SocketFlags.None, remote).ConfigureAwait(false);
    }

    public void Dispose() => _socket.Dispose();
}
