using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Xml.Linq;
using Bridge.Net;
using Bridge.Net.Tls;
using Bridge.Xmpp.Xml;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>Opens the TCP connection and the initiating half of an S2S stream (RFC 6120 §4.2, §4.3).</summary>
internal sealed class S2SConnector(IXmppResolver resolver, XmppServerOptions options, PeerCertificateValidator validator, TimeProvider time, ILogger logger)
{
    public PeerCertificateValidator Validator => validator;

    /// <summary>
    /// Opens the stream and, per the domain's <see cref="TlsMode"/>, upgrades it with STARTTLS (RFC 6120
    /// §5.4) when the peer offers it, then reopens it (§5.4.3.3). With <see cref="TlsMode.Required"/> a peer
    /// that offers no STARTTLS is refused with &lt;policy-violation/&gt; (§4.9.3.18; RFC 6120 has no
    /// encryption-required condition). A peer certificate that does not authenticate the domain does not
    /// stop the stream: dialback (XEP-0220) over TLS may still authenticate it.
    /// </summary>
    public async Task<S2SOpening> OpenSecuredAsync(XmppChannel channel, string from, string to, CancellationToken ct)
    {
        var opening = await OpenStreamAsync(channel, from, to, ct).ConfigureAwait(false);
        if (opening.Header is null)
        {
            return opening;
        }
        var mode = options.RequiresCertificate(to) ? TlsMode.Required : options.TlsModeFor(to);
        var starttls = opening.Features?.Element(XmppNamespaces.Tls + "starttls");
        if (starttls is null || mode == TlsMode.Off)
        {
            if (mode == TlsMode.Required)
            {
                logger.LogWarning("XMPP stream {From} -> {To} refused: Tls is required for {To} but it offers no STARTTLS", from, to, to);
                await channel.CloseAsync("policy-violation", "TLS is required").ConfigureAwait(false);
                return S2SOpening.Failed($"TLS is required for {to} but it offers no STARTTLS");
            }
            if (starttls?.Element(XmppNamespaces.Tls + "required") is not null)
            {
                logger.LogWarning("XMPP stream {From} -> {To}: the peer requires TLS but Tls is off for it", from, to);
                await channel.CloseAsync("policy-violation", "TLS is off for this domain").ConfigureAwait(false);
                return S2SOpening.Failed($"{to} requires TLS but Tls is off for it");
            }
            return opening;
        }
        await channel.SendAsync(new XElement(XmppNamespaces.Tls + "starttls")).ConfigureAwait(false);
        var answer = await channel.NextAsync(ct).ConfigureAwait(false);
        if (answer?.Element?.Name != XmppNamespaces.Tls + "proceed")
        {
            // RFC 6120 §5.4.2.2: <failure/> is followed by the peer closing the stream.
            await channel.CloseAsync().ConfigureAwait(false);
            return S2SOpening.Failed($"{to} refused STARTTLS");
        }
        try
        {
            await channel.StartTlsAsync(null, ClientTlsOptions(to), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            logger.LogWarning("XMPP stream {From} -> {To}: TLS handshake failed: {Error}", from, to, e.Message);
            await channel.DisposeAsync().ConfigureAwait(false);
            return S2SOpening.Failed($"TLS handshake with {to} failed: {e.Message}");
        }
        var certificate = validator.Check(channel.PeerCertificate, to, PeerIdentityKind.XmppServer);
        logger.LogInformation("XMPP stream {From} -> {To}: TLS established; peer certificate {Verdict}: {Reason}",
            from, to, certificate.IsValid ? "valid" : "not valid", certificate.Reason);
        if (!certificate.IsValid && options.RequiresCertificate(to))
        {
            logger.LogWarning("XMPP stream {From} -> {To} refused: {To} must authenticate with its certificate: {Reason}", from, to, to, certificate.Reason);
            await channel.CloseAsync("policy-violation", "certificate not accepted").ConfigureAwait(false);
            return S2SOpening.Failed($"certificate of {to} not accepted: {certificate.Reason}");
        }
        var reopened = await OpenStreamAsync(channel, from, to, ct).ConfigureAwait(false);
        return reopened with { PeerCertificate = certificate };
    }

    /// <summary>
    /// Our certificate goes out as the client certificate so the peer can offer SASL EXTERNAL (XEP-0178).
    /// Every server certificate is accepted at the TLS layer: it is judged afterwards per RFC 6125, and an
    /// unauthenticated but encrypted stream may still use dialback.
    /// </summary>
    public SslClientAuthenticationOptions ClientTlsOptions(string to) => new()
    {
        TargetHost = to,
        ClientCertificates = options.TlsCertificate is { } own ? [own] : null,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
    };
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
    public static async Task<S2SOpening> OpenStreamAsync(
        XmppChannel channel, string from, string to, CancellationToken ct)
    {
        if (!await channel.SendHeaderAsync(from, to, null, version1: true).ConfigureAwait(false))
        {
            return S2SOpening.Failed("connection lost");
        }
        var ev = await channel.NextAsync(ct).ConfigureAwait(false);
        if (ev is null)
        {
            return S2SOpening.Failed("connection closed before the stream header");
        }
        if (ev.Kind == XmlStreamEventKind.Error)
        {
            await channel.CloseAsync(ev.ErrorCondition, ev.ErrorText).ConfigureAwait(false);
            return S2SOpening.Failed($"bad stream from peer: {ev.ErrorCondition} {ev.ErrorText}");
        }
        if (ev.Kind != XmlStreamEventKind.StreamStart)
        {
            return S2SOpening.Failed("no stream header");
        }
        var header = ev.Header!;
        if (header.Name != XmppNamespaces.Streams + "stream" || header.DefaultNamespace != XmppNamespaces.Server)
        {
            await channel.CloseAsync("invalid-namespace").ConfigureAwait(false);
            return S2SOpening.Failed("peer stream is not jabber:server");
        }
        if (string.IsNullOrEmpty(header.Id))
        {
            // RFC 6120 §4.7.3: the receiving entity MUST give a stream id; dialback keys depend on it.
            await channel.CloseAsync("invalid-xml", "stream header without id").ConfigureAwait(false);
            return S2SOpening.Failed("peer gave no stream id");
        }
        if (!header.IsVersion1OrLater)
        {
            return new S2SOpening(header, null, null);
        }
        var features = await channel.NextAsync(ct).ConfigureAwait(false);
        if (features?.Element is { } element && element.Name == XmppNamespaces.Streams + "features")
        {
            return new S2SOpening(header, element, null);
        }
        if (features?.Element is { } error && error.Name == XmppNamespaces.Streams + "error")
        {
            return S2SOpening.Failed("stream error from peer: " + StreamFrames.ReadError(error));
        }
        return S2SOpening.Failed("no stream features");
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
