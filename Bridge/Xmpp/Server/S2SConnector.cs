using System.Net;
using System.Net.Sockets;
using Bridge.Net;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>Opens the TCP connection and the initiating half of an S2S stream (RFC 6120 §4.2, §4.3).</summary>
internal sealed class S2SConnector(IXmppResolver resolver, XmppServerOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// A connection to the first reachable address of the domain, or null (remote-server-not-found). With
    /// <see cref="XmppServerOptions.ConnectRetry"/>, a domain found unreachable is tried again with backoff until
    /// <paramref name="ct"/> (the stream's connect deadline) ends, so a peer that restarts is found again.
    /// </summary>
    public async Task<StreamConnection?> ConnectAsync(string domain, CancellationToken ct)
    {
        if (options.ConnectRetry is not { } retry)
        {
            return await ConnectOnceAsync(domain, ct).ConfigureAwait(false);
        }
        var pipeline = retry.Build(time, ct, (attempt, delay, _) =>
            logger.LogDebug("S2S connect to {Domain}: attempt {Attempt} failed; retrying in {Delay}", domain, attempt, delay));
        try
        {
            return await pipeline.ExecuteAsync(async token =>
                await ConnectOnceAsync(domain, token).ConfigureAwait(false)
                    ?? throw new SocketException((int)SocketError.ConnectionRefused), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && ct.IsCancellationRequested))
        {
            // Never reached within the deadline: for the sender that is remote-server-not-found, as without retry.
            return null;
        }
    }

    private async Task<StreamConnection?> ConnectOnceAsync(string domain, CancellationToken ct)
    {
        var endpoints = await resolver.ResolveAsync(domain, ct).ConfigureAwait(false);
        foreach (var endpoint in endpoints)
        {
            try
            {
                return await StreamConnection.ConnectAsync(endpoint, LocalAddressFor(endpoint), ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                logger.LogDebug("Connect to {Domain} at {EndPoint} failed: {Error}", domain, endpoint, e.SocketErrorCode);
            }
        }
        return null;
    }

    /// <summary>
    /// Sends our header and reads the peer's header and, for version 1.0, its features.
    /// Returns the peer's header, or the reason the stream could not be opened.
    /// </summary>
    public static async Task<(XmlStreamHeader? Header, string? Failure)> OpenStreamAsync(
        XmppChannel channel, string from, string to, CancellationToken ct)
    {
        if (!await channel.SendHeaderAsync(from, to, null, version1: true).ConfigureAwait(false))
        {
            return (null, "connection lost");
        }
        var ev = await channel.NextAsync(ct).ConfigureAwait(false);
        if (ev is null)
        {
            return (null, "connection closed before the stream header");
        }
        if (ev.Kind == XmlStreamEventKind.Error)
        {
            await channel.CloseAsync(ev.ErrorCondition, ev.ErrorText).ConfigureAwait(false);
            return (null, $"bad stream from peer: {ev.ErrorCondition} {ev.ErrorText}");
        }
        if (ev.Kind != XmlStreamEventKind.StreamStart)
        {
            return (null, "no stream header");
        }
        var header = ev.Header!;
        if (header.Name != XmppNamespaces.Streams + "stream" || header.DefaultNamespace != XmppNamespaces.Server)
        {
            await channel.CloseAsync("invalid-namespace").ConfigureAwait(false);
            return (null, "peer stream is not jabber:server");
        }
        if (string.IsNullOrEmpty(header.Id))
        {
            // RFC 6120 §4.7.3: the receiving entity MUST give a stream id; dialback keys depend on it.
            await channel.CloseAsync("invalid-xml", "stream header without id").ConfigureAwait(false);
            return (null, "peer gave no stream id");
        }
        if (!header.IsVersion1OrLater)
        {
            return (header, null);
        }
        var features = await channel.NextAsync(ct).ConfigureAwait(false);
        if (features?.Element is { } element && element.Name == XmppNamespaces.Streams + "features")
        {
            return (header, null);
        }
        if (features?.Element is { } error && error.Name == XmppNamespaces.Streams + "error")
        {
            return (null, "stream error from peer: " + StreamFrames.ReadError(error));
        }
        return (null, "no stream features");
    }

    private IPAddress? LocalAddressFor(IPEndPoint remote)
    {
        // Leave from the listening address (the bridge's own loopback address in tests), when it fits.
        var listen = options.Listen.Address;
        return listen.AddressFamily == remote.AddressFamily
            && !listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any)
            && IPAddress.IsLoopback(listen) == IPAddress.IsLoopback(remote.Address)
            ? listen
            : null;
    }
}
