using Bridge.Xmpp.Dialback;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>
/// Receiving server asking the authoritative server, XEP-0220 §2.1.2 (steps 2 and 3), over a connection
/// opened for that sole purpose and closed after the answer (allowed by §2.1.2). Using a separate
/// connection keeps verification independent of our own outbound stream to the same peer, which may
/// itself be waiting for this peer's verdict: Prosody verifies our key only after we accepted its own.
/// </summary>
internal sealed class DialbackVerifier(S2SConnector connector, XmppServerOptions options, TimeProvider time, ILogger logger)
{
    public async Task<DialbackVerdict> VerifyAsync(string local, string remote, string streamId, string key, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(options.DialbackTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        XmppChannel? channel = null;
        try
        {
            var connection = await connector.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
            if (connection is null)
            {
                logger.LogInformation("Dialback verify {Remote} -> {Local}: authoritative server not reachable", remote, local);
                return DialbackVerdict.NotFound;
            }
            channel = new XmppChannel(connection, options, logger, $"verify {local}->{remote} {connection.RemoteEndPoint}");
            // The verify connection follows the same TLS policy: a peer requiring encryption refuses it otherwise.
            var (header, _, failure, _) = await connector.OpenSecuredAsync(channel, local, remote, linked.Token).ConfigureAwait(false);
            if (header is null)
            {
                logger.LogInformation("Dialback verify {Remote} -> {Local}: {Failure}", remote, local, failure);
                return failure?.Contains("host-unknown", StringComparison.Ordinal) == true ? DialbackVerdict.NotFound : DialbackVerdict.Timeout;
            }
            if (!await channel.SendAsync(DialbackElements.VerifyRequest(local, remote, streamId, key)).ConfigureAwait(false))
            {
                return DialbackVerdict.Timeout;
            }
            while (await channel.NextAsync(linked.Token).ConfigureAwait(false) is { } ev)
            {
                if (ev.Kind != XmlStreamEventKind.Element)
                {
                    break;
                }
                var element = ev.Element!;
                if (element.Name == XmppNamespaces.Streams + "error")
                {
                    var error = StreamFrames.ReadError(element);
                    logger.LogInformation("Dialback verify {Remote} -> {Local}: stream error {Error}", remote, local, error);
                    return error.StartsWith("host-unknown", StringComparison.Ordinal) ? DialbackVerdict.NotFound : DialbackVerdict.Timeout;
                }
                // XEP-0220 §2.1.2: accept only the answer to our own request (from, to and id must match).
                if (element.Name != DialbackElements.Verify
                    || Jid.DomainOf((string?)element.Attribute("from")) != remote
                    || Jid.DomainOf((string?)element.Attribute("to")) != local
                    || (string?)element.Attribute("id") != streamId)
                {
                    logger.LogDebug("Dialback verify {Remote} -> {Local}: ignoring {Element}", remote, local, element.Name);
                    continue;
                }
                switch ((string?)element.Attribute("type"))
                {
                    case "valid":
                        return DialbackVerdict.Valid;
                    case "invalid":
                        return DialbackVerdict.Invalid;
                    default:
                        var condition = StanzaErrors.Read(element)?.Condition;
                        logger.LogInformation("Dialback verify {Remote} -> {Local}: error {Condition}", remote, local, condition);
                        return condition == "item-not-found" ? DialbackVerdict.NotFound : DialbackVerdict.Timeout;
                }
            }
            return DialbackVerdict.Timeout;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            logger.LogInformation("Dialback verify {Remote} -> {Local}: timed out", remote, local);
            return DialbackVerdict.Timeout;
        }
        finally
        {
            if (channel is not null)
            {
                await channel.CloseAsync().ConfigureAwait(false);
            }
        }
    }
}
