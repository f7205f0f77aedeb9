using System.Net;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Xmpp.Server;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Component;

/// <summary>
/// One attempt to open an authenticated XEP-0114 stream: TCP connect, jabber:component:accept header
/// with to = the component name, the server's header with its stream id, our &lt;handshake/&gt;, the
/// server's empty &lt;handshake/&gt;. Throws <see cref="ComponentConnectException"/> (or a socket error)
/// on any failure, so the caller's retry pipeline sees every failure the same way.
/// </summary>
internal sealed class ComponentConnector(ComponentOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Overridable for tests: opens the TCP connection.</summary>
    public Func<CancellationToken, Task<StreamConnection>> Connect { get; init; } = ct => ConnectTcpAsync(options, ct);

    public async Task<XmppChannel> OpenAsync(CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        StreamConnection connection;
        try
        {
            connection = await Connect(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ComponentConnectException($"no connection to {options.Host}:{options.Port} within {options.ConnectTimeout}");
        }
        var channel = new XmppChannel(connection, options.MaxStanzaBytes, options.MaxDepth, logger, $"component {options.Name} {connection.RemoteEndPoint}");
        try
        {
            await HandshakeAsync(channel, linked.Token).ConfigureAwait(false);
            return channel;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new ComponentConnectException($"no handshake answer from {options.Host}:{options.Port} within {options.ConnectTimeout}");
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task HandshakeAsync(XmppChannel channel, CancellationToken ct)
    {
        // XEP-0114 §3: the component opens with its name in 'to'; no version, so no stream features.
        var header = "<?xml version='1.0'?><stream:stream xmlns='" + ComponentNamespace.Accept.NamespaceName
            + "' xmlns:stream='" + XmppNamespaces.Streams.NamespaceName + "' " + new XAttribute("to", options.Name) + ">";
        if (!await channel.SendHeaderAsync(header).ConfigureAwait(false))
        {
            throw new ComponentConnectException("connection lost before the stream header");
        }
        var start = await channel.NextAsync(ct).ConfigureAwait(false) ?? throw new ComponentConnectException("server closed before its stream header");
        if (start.Kind == XmlStreamEventKind.Error)
        {
            await channel.CloseAsync(start.ErrorCondition, start.ErrorText).ConfigureAwait(false);
            throw new ComponentConnectException($"bad stream from server: {start.ErrorCondition}");
        }
        if (start.Kind != XmlStreamEventKind.StreamStart || start.Header!.DefaultNamespace != ComponentNamespace.Accept)
        {
            await channel.CloseAsync("invalid-namespace").ConfigureAwait(false);
            throw new ComponentConnectException("server stream is not jabber:component:accept");
        }
        if (string.IsNullOrEmpty(start.Header.Id))
        {
            // The handshake hashes the stream id; without one there is nothing to prove the secret with.
            await channel.CloseAsync("invalid-xml", "stream header without id").ConfigureAwait(false);
            throw new ComponentConnectException("server gave no stream id");
        }
        var handshake = new XElement(ComponentNamespace.Accept + "handshake", ComponentHandshake.Compute(start.Header.Id, options.Secret));
        await channel.SendAsync(handshake).ConfigureAwait(false);
        var answer = await channel.NextAsync(ct).ConfigureAwait(false);
        if (answer?.Element is { } element && element.Name == ComponentNamespace.Accept + "handshake")
        {
            logger.LogInformation("Component {Name} connected to {Host}:{Port}", options.Name, options.Host, options.Port);
            return;
        }
        var reason = answer?.Element is { } error && error.Name == XmppNamespaces.Streams + "error"
            ? "stream error from server: " + StreamFrames.ReadError(error)
            : "no handshake answer";
        await channel.CloseAsync().ConfigureAwait(false);
        throw new ComponentConnectException(reason);
    }

    private static async Task<StreamConnection> ConnectTcpAsync(ComponentOptions options, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(options.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(options.Host, ct).ConfigureAwait(false);
        System.Net.Sockets.SocketException? last = null;
        foreach (var address in addresses)
        {
            try
            {
                return await StreamConnection.ConnectAsync(new IPEndPoint(address, options.Port), null, ct).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                last = e;
            }
        }
        throw new ComponentConnectException($"cannot connect to {options.Host}:{options.Port}: {last?.SocketErrorCode.ToString() ?? "no address"}");
    }
}
