using System.Net;
using System.Net.Sockets;

namespace Bridge.Net;

/// <summary>Binds one explicit address (never the wildcard) and accepts <see cref="StreamConnection"/>s.</summary>
public sealed class TcpAcceptor : IAsyncDisposable
{
    private readonly Socket _socket;

    private TcpAcceptor(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public static TcpAcceptor Bind(IPEndPoint endPoint, int backlog = 512)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return new TcpAcceptor(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next connection, or null once the acceptor is disposed or cancelled.</summary>
    public async ValueTask<StreamConnection?> AcceptAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                var socket = await _socket.AcceptAsync(ct).ConfigureAwait(false);
                return new StreamConnection(socket);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The peer gave up between SYN and accept: nothing to hand over, keep listening.
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return null;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
