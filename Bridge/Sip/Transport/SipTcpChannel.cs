using System.Net;
using Bridge.Net;

namespace Bridge.Sip;

/// <summary>One TCP connection carrying SIP; writes are serialized so messages never interleave.</summary>
internal sealed class SipTcpChannel : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private int _closed;

    public SipTcpChannel(StreamConnection connection, IPEndPoint listenEndPoint, SipTransport transport = SipTransport.Tcp, IReadOnlyList<string>? tlsDomains = null)
    {
        Connection = connection;
        ListenEndPoint = listenEndPoint;
        Transport = transport;
        TlsDomains = tlsDomains ?? [];
    }

    /// <summary>TCP, or TLS over the same framing (RFC 3261 §18.3).</summary>
    public SipTransport Transport { get; }

    /// <summary>The SIP domains the peer's certificate authenticated (TLS only).</summary>
    public IReadOnlyList<string> TlsDomains { get; }

    public StreamConnection Connection { get; }

    /// <summary>Our listening endpoint for TCP (what goes into Via), not the connection's ephemeral port.</summary>
    public IPEndPoint ListenEndPoint { get; }

    public IPEndPoint RemoteEndPoint => Connection.RemoteEndPoint;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public async Task SendAsync(SipMessage message)
    {
        if (IsClosed)
        {
            throw new IOException($"connection to {RemoteEndPoint} is closed");
        }
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (IsClosed)
            {
                throw new IOException($"connection to {RemoteEndPoint} is closed");
            }
            var output = Connection.Transport.Output;
            SipSerializer.Write(message, output);
            var result = await output.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted)
            {
                throw new IOException($"connection to {RemoteEndPoint} is closed");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        // The PipeWriter is not thread-safe: completing it while a flush is running corrupts it.
        // A writer stuck on a peer that stopped reading is unblocked by aborting the socket.
        if (!await _writeLock.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false))
        {
            Connection.Abort();
            await _writeLock.WaitAsync().ConfigureAwait(false);
        }
        try
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The peer or a concurrent failure already tore the connection down; nothing is left to release.
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
