using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Bridge.Net;

/// <summary>
/// A TCP connection exposed as an <see cref="IDuplexPipe"/>. STARTTLS swaps the transport:
/// protocol code keeps reading <see cref="Transport"/> and gets the decrypted layer after the upgrade.
/// </summary>
public sealed class StreamConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private Stream _stream;
    private DuplexStreamPipe _pipe;
    private int _disposed;

    public StreamConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _pipe = new DuplexStreamPipe(_stream);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint RemoteEndPoint { get; }
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The current layer: plain TCP, or TLS after an upgrade.</summary>
    public IDuplexPipe Transport => _pipe;

    /// <summary>The TLS layer once upgraded, else null.</summary>
    public SslStream? Tls => _stream as SslStream;

    public static async Task<StreamConnection> ConnectAsync(IPEndPoint remote, IPAddress? localAddress, CancellationToken ct)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localAddress is not null)
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
            }
            await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
            return new StreamConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces the transport with TLS as the client. The caller must not have a read pending on
    /// <see cref="Transport"/> and must have consumed everything the peer sent before its TLS hello.
    /// </summary>
    public async Task UpgradeToTlsAsClientAsync(SslClientAuthenticationOptions options, CancellationToken ct)
    {
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
        SwapTo(ssl);
    }

    /// <inheritdoc cref="UpgradeToTlsAsClientAsync"/>
    public async Task UpgradeToTlsAsServerAsync(SslServerAuthenticationOptions options, CancellationToken ct)
    {
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(options, ct).ConfigureAwait(false);
        SwapTo(ssl);
    }

    private void SwapTo(Stream stream)
    {
        _stream = stream;
        _pipe = new DuplexStreamPipe(stream);
    }

    /// <summary>Closes the socket at once; pending reads complete.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        Abort();
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _network.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class DuplexStreamPipe(Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }
}
