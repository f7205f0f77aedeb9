using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Buffers;
using System.Text;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>
/// One TCP connection carrying an XML stream in each direction: pulls events off the input with
/// <see cref="XmlStreamReader"/>, serializes writes from concurrent tasks, and closes with a stream error.
/// </summary>
internal sealed class XmppChannel : IAsyncDisposable
{
    private readonly StreamConnection _connection;
    private readonly XmlStreamReader _reader;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _queueLock = new();
    // Text and stanzas are encoded on arrival (the caller may change its XElement afterwards) into _staging; the
    // draining writer swaps it with _spare and copies the batch into the pipe.
    private PooledBufferWriter _staging = new(4096);
    private PooledBufferWriter _spare = new(4096);
    private TaskCompletionSource<bool>? _batchDone;
    private bool _draining;
    private int _closed;

    public XmppChannel(StreamConnection connection, XmppServerOptions options, ILogger logger, string name)
        : this(connection, options.MaxStanzaBytes, options.MaxDepth, logger, name)
    {
    }

    public XmppChannel(StreamConnection connection, int maxStanzaBytes, int maxDepth, ILogger logger, string name)
    {
        _connection = connection;
        _reader = new XmlStreamReader(maxStanzaBytes, maxDepth);
        _logger = logger;
        Name = name;
    }

    /// <summary>For logs: direction, domains and peer address.</summary>
    public string Name { get; set; }

    public bool HeaderSent { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>True once STARTTLS completed on this connection.</summary>
    public bool IsEncrypted => _connection.Tls is not null;

    /// <summary>The certificate the peer presented in the TLS handshake, if any.</summary>
    public X509Certificate2? PeerCertificate { get; private set; }

    /// <summary>
    /// RFC 6120 §5.4.3.3: after &lt;proceed/&gt; both sides handshake on the same socket and restart the
    /// stream, so the reader forgets the old one. Holds the write lock so nothing is written mid-handshake.
    /// </summary>
    public async Task StartTlsAsync(SslServerAuthenticationOptions? server, SslClientAuthenticationOptions? client, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (server is not null)
            {
                await _connection.UpgradeToTlsAsServerAsync(server, ct).ConfigureAwait(false);
            }
            else
            {
                await _connection.UpgradeToTlsAsClientAsync(client!, ct).ConfigureAwait(false);
            }
            PeerCertificate = _connection.Tls?.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
            _reader.Reset();
            HeaderSent = false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>RFC 6120 §6.4.6: after SASL success the stream restarts on the same layer.</summary>
    public void RestartStream()
    {
        _reader.Reset();
        HeaderSent = false;
    }

    /// <summary>The next event, or null when the transport closed or broke.</summary>
    public async Task<XmlStreamEvent?> NextAsync(CancellationToken ct)
    {
        var input = _connection.Transport.Input;
        while (true)
        {
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await input.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                _logger.LogDebug("{Stream}: read failed: {Error}", Name, e.Message);
                return null;
            }
            var buffer = result.Buffer;
            var got = _reader.TryRead(ref buffer, out var ev);
            // After an event, leave the rest unexamined so the next read returns it at once.
            input.AdvanceTo(buffer.Start, got ? buffer.Start : buffer.End);
            if (got)
            {
                if (_logger.IsEnabled(LogLevel.Trace))
                {
                    _logger.LogTrace("{Stream} IN: {Event}", Name, (object?)ev!.Element ?? ev.Kind);
                }
                return ev;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                return null;
            }
        }
    }

    public Task<bool> SendHeaderAsync(string? from, string? to, string? id, bool version1)
    {
        HeaderSent = true;
        return WriteAsync(StreamFrames.Open(from, to, id, version1));
    }

    /// <summary>Writes a stream header built by the caller (another stream namespace, e.g. XEP-0114).</summary>
    public Task<bool> SendHeaderAsync(string header)
    {
        HeaderSent = true;
        return WriteAsync(header);
    }

    public Task<bool> SendAsync(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.LogTrace("{Stream} OUT: {Text}", Name, element.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces));
        }
        return Enqueue(element);
    }

    /// <summary>
    /// Writes raw stream text; false when the connection is gone. Writes from concurrent tasks are coalesced: the
    /// first writer drains the queue into the PipeWriter and flushes once per batch, so a burst of stanzas costs one
    /// socket write instead of one each (plus a SemaphoreSlim hand-off each), and the text is encoded straight into
    /// the pipe's buffer instead of a byte[] per stanza.
    /// </summary>
    public Task<bool> WriteAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _logger.LogTrace("{Stream} OUT: {Text}", Name, text);
        return Enqueue(text);
    }

    private Task<bool> Enqueue(object item)
    {
        if (IsClosed)
        {
            return Task.FromResult(false);
        }
        Task<bool> done;
        lock (_queueLock)
        {
            if (item is XElement element)
            {
                StanzaSerializer.Write(element, _staging);
            }
            else
            {
                var text = (string)item;
                var span = _staging.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
                _staging.Advance(Encoding.UTF8.GetBytes(text, span));
            }
            _batchDone ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            done = _batchDone.Task;
            if (_draining)
            {
                return done;
            }
            _draining = true;
        }
        _ = DrainAsync();
        return done;
    }

    private async Task DrainAsync()
    {
        // The semaphore is still what DisposeAsync takes to close the connection under no write.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            while (true)
            {
                PooledBufferWriter batch;
                TaskCompletionSource<bool> done;
                lock (_queueLock)
                {
                    if (_batchDone is null)
                    {
                        _draining = false;
                        return;
                    }
                    batch = _staging;
                    _staging = _spare;
                    done = _batchDone;
                    _batchDone = null;
                }
                var ok = await WriteBatchAsync(batch).ConfigureAwait(false);
                batch.Reset();
                _spare = batch;
                done.SetResult(ok);
            }
        }
        catch (Exception e)
        {
            // Not expected (WriteBatchAsync catches I/O failures); fail what is queued rather than strand its writers.
            _logger.LogError(e, "{Stream}: write queue failed", Name);
            TaskCompletionSource<bool>? stranded;
            lock (_queueLock)
            {
                _staging.Reset();
                stranded = _batchDone;
                _batchDone = null;
                _draining = false;
            }
            stranded?.TrySetResult(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<bool> WriteBatchAsync(PooledBufferWriter batch)
    {
        if (IsClosed)
        {
            return false;
        }
        try
        {
            var output = _connection.Transport.Output;
            output.Write(batch.WrittenMemory.Span);
            var result = await output.FlushAsync().ConfigureAwait(false);
            return !result.IsCompleted;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            _logger.LogDebug("{Stream}: write failed: {Error}", Name, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Ends the stream: an optional stream error (RFC 6120 §4.9.1.1: after our header, which is sent
    /// first if it was not yet), the closing tag, then the socket.
    /// </summary>
    public async Task CloseAsync(string? streamError = null, string? text = null, string? headerFrom = null)
    {
        if (IsClosed)
        {
            return;
        }
        if (streamError is not null)
        {
            if (!HeaderSent)
            {
                await SendHeaderAsync(headerFrom, null, null, version1: true).ConfigureAwait(false);
            }
            await SendAsync(StreamFrames.Error(streamError, text)).ConfigureAwait(false);
        }
        if (HeaderSent)
        {
            await WriteAsync(StreamFrames.Close).ConfigureAwait(false);
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        // Abort first so a write stuck on a peer that stopped reading fails instead of holding the lock.
        _connection.Abort();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
