using System.Net.Security;
using System.Text;
using System.Xml.Linq;
using Bridge.Net.Tls;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>
/// The receiving side of STARTTLS (RFC 6120 §5.4) and SASL EXTERNAL (RFC 6120 §6, XEP-0178). Mechanisms
/// only report "authenticated as domain X for local domain Y" through <see cref="Authenticated"/>; the
/// stream's rules for what an authenticated pair may send live in one place.
/// </summary>
internal sealed partial class InboundStream
{
    private string? _headerFrom;
    private string? _headerTo;
    private bool _saslDone;

    private TlsMode ModeForPeer => _ctx.Options.TlsModeFor(_headerFrom);

    private bool CanOfferTls => _ctx.Options.TlsCertificate is not null && ModeForPeer != TlsMode.Off;

    /// <summary>Both mechanisms end here (Prosody's mod_dialback style: one outcome, no session poking).</summary>
    private void Authenticated(string remote, string local, string mechanism)
    {
        lock (_verified)
        {
            _verified.Add((remote, local));
        }
        _unauthenticated.CancelAfter(Timeout.InfiniteTimeSpan);
        _logger.LogInformation("Inbound XMPP stream {Remote} -> {Local} authenticated ({Mechanism}{Tls}) from {Peer}",
            remote, local, mechanism, _channel.IsEncrypted ? ", TLS" : "", _peer);
    }

    /// <summary>
    /// RFC 6120 §5.3.1: while TLS is mandatory-to-negotiate only STARTTLS is offered; SASL EXTERNAL only
    /// over TLS with a certificate that authenticates the stream's 'from' domain (XEP-0178 §2 step 6).
    /// </summary>
    private XElement CurrentFeatures()
    {
        if (_saslDone)
        {
            return StreamFrames.Features(starttls: false, tlsRequired: false, saslExternal: false, dialback: true);
        }
        if (!_channel.IsEncrypted)
        {
            var required = ModeForPeer == TlsMode.Required;
            return StreamFrames.Features(starttls: CanOfferTls, tlsRequired: required && CanOfferTls, saslExternal: false, dialback: !required);
        }
        var external = _headerFrom is not null && _headerTo is not null && PeerCertificateCheck().IsValid;
        return StreamFrames.Features(starttls: false, tlsRequired: false, saslExternal: external, dialback: true);
    }

    private PeerCertificateResult PeerCertificateCheck() =>
        _ctx.Connector.Validator.Check(_channel.PeerCertificate, _headerFrom ?? "", PeerIdentityKind.XmppServer);

    /// <summary>
    /// RFC 6120 §5.3.1 and §4.9.3.18: a peer that must use TLS and sends anything else first is refused
    /// with &lt;policy-violation/&gt; (RFC 6120 dropped the draft's encryption-required condition).
    /// </summary>
    private async Task<bool> RefuseWithoutRequiredTlsAsync()
    {
        if (_channel.IsEncrypted || ModeForPeer != TlsMode.Required)
        {
            return false;
        }
        _logger.LogWarning("Inbound XMPP stream {Peer} refused: Tls is required for {Remote} and it did not start TLS", _peer, _headerFrom ?? "?");
        await _channel.CloseAsync("policy-violation", "TLS is required").ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A domain that must authenticate with its certificate gets no dialback (Prosody's s2s_secure_auth): a
    /// dialback error, as for a policy refusal, unless TLS carries a certificate valid for it.
    /// </summary>
    private async Task<bool> RefuseDialbackWithoutCertificateAsync(string remote, string local)
    {
        if (!_ctx.Options.RequiresCertificate(remote))
        {
            return false;
        }
        var check = _ctx.Connector.Validator.Check(_channel.PeerCertificate, remote, PeerIdentityKind.XmppServer);
        if (_channel.IsEncrypted && check.IsValid)
        {
            return false;
        }
        _logger.LogWarning("Inbound XMPP stream {Peer}: dialback for {Remote} refused: it must authenticate with its certificate ({Reason})",
            _peer, remote, _channel.IsEncrypted ? check.Reason : "no TLS");
        await _channel.SendAsync(Dialback.DialbackElements.Error(Dialback.DialbackElements.Result, local, remote, null, "not-authorized")).ConfigureAwait(false);
        return true;
    }

    private async Task OnSecurityElementAsync(XElement element)
    {
        if (element.Name == XmppNamespaces.Tls + "starttls")
        {
            await OnStartTlsAsync().ConfigureAwait(false);
        }
        else if (element.Name == XmppNamespaces.Sasl + "auth")
        {
            await OnAuthAsync(element).ConfigureAwait(false);
        }
        else if (element.Name == XmppNamespaces.Sasl + "abort")
        {
            await _channel.SendAsync(SaslFailure("aborted")).ConfigureAwait(false);
        }
        else
        {
            await _channel.CloseAsync("unsupported-stanza-type", $"unexpected element {element.Name}").ConfigureAwait(false);
        }
    }

    /// <summary>RFC 6120 §5.4.2: &lt;proceed/&gt;, handshake, then wait for the restarted stream header.</summary>
    private async Task OnStartTlsAsync()
    {
        if (_channel.IsEncrypted || !CanOfferTls)
        {
            // §5.4.2.2: <failure/> then close.
            await _channel.SendAsync(new XElement(XmppNamespaces.Tls + "failure")).ConfigureAwait(false);
            await _channel.CloseAsync().ConfigureAwait(false);
            return;
        }
        await _channel.SendAsync(new XElement(XmppNamespaces.Tls + "proceed")).ConfigureAwait(false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = _ctx.Options.TlsCertificate,
            // Asked for, not demanded: without one the peer can still use dialback over TLS.
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        try
        {
            using var timeout = new CancellationTokenSource(_ctx.Options.ConnectTimeout, _ctx.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _ctx.Shutdown);
            await _channel.StartTlsAsync(options, null, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            _logger.LogWarning("Inbound XMPP stream {Peer}: TLS handshake failed: {Error}", _peer, e.Message);
            await _channel.DisposeAsync().ConfigureAwait(false);
            return;
        }
        var check = PeerCertificateCheck();
        _logger.LogInformation("Inbound XMPP stream {Peer}: TLS established; peer certificate {Verdict}: {Reason}",
            _peer, check.IsValid ? "valid" : "not valid", check.Reason);
    }

    /// <summary>
    /// RFC 6120 §6.4 with XEP-0178: EXTERNAL succeeds when TLS carries a certificate that authenticates the
    /// header's 'from' domain and the authzid, if any, names that same domain (§6.4.6 then restarts the stream).
    /// </summary>
    private async Task OnAuthAsync(XElement auth)
    {
        var mechanism = (string?)auth.Attribute("mechanism");
        if (!string.Equals(mechanism, "EXTERNAL", StringComparison.Ordinal))
        {
            await _channel.SendAsync(SaslFailure("invalid-mechanism")).ConfigureAwait(false);
            return;
        }
        var remote = _headerFrom;
        var local = _headerTo;
        if (_saslDone || !_channel.IsEncrypted || remote is null || local is null)
        {
            await _channel.SendAsync(SaslFailure("not-authorized")).ConfigureAwait(false);
            return;
        }
        var authzid = DecodeAuthzid(auth.Value);
        if (authzid is null || (authzid.Length > 0 && Jid.DomainOf(authzid) != remote))
        {
            // §6.4.6 / XEP-0178 §2 step 7: the authorization identity must be the stream's 'from'.
            _logger.LogWarning("Inbound XMPP stream {Peer}: SASL EXTERNAL authzid '{Authzid}' is not {Remote}", _peer, authzid, remote);
            await _channel.SendAsync(SaslFailure("invalid-authzid")).ConfigureAwait(false);
            return;
        }
        var check = PeerCertificateCheck();
        if (!check.IsValid)
        {
            _logger.LogWarning("Inbound XMPP stream {Peer}: SASL EXTERNAL for {Remote} refused: {Reason}", _peer, remote, check.Reason);
            await _channel.SendAsync(SaslFailure("not-authorized")).ConfigureAwait(false);
            return;
        }
        if (!_ctx.Options.IsPeerAllowed(local, remote))
        {
            _logger.LogWarning("Inbound XMPP stream {Peer}: {Remote} may not talk to {Local}; SASL EXTERNAL refused", _peer, remote, local);
            await _channel.SendAsync(SaslFailure("not-authorized")).ConfigureAwait(false);
            return;
        }
        _saslDone = true;
        Authenticated(remote, local, "SASL EXTERNAL");
        // The reader is reset before <success/> is written, so the peer's new header cannot race it.
        _channel.RestartStream();
        await _channel.SendAsync(new XElement(XmppNamespaces.Sasl + "success")).ConfigureAwait(false);
    }

    /// <summary>"=" or empty means no authzid (RFC 6120 §6.4.2); null when the base64 is malformed.</summary>
    private static string? DecodeAuthzid(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed == "=")
        {
            return "";
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(trimmed));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static XElement SaslFailure(string condition) =>
        new(XmppNamespaces.Sasl + "failure", new XElement(XmppNamespaces.Sasl + condition));
}
