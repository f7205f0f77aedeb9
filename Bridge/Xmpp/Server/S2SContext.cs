using Bridge.Xmpp.Dialback;
using Microsoft.Extensions.Logging;

namespace Bridge.Xmpp.Server;

/// <summary>What every stream of one <see cref="XmppServer"/> shares.</summary>
internal sealed class S2SContext(
    XmppServerOptions options,
    DialbackKey key,
    S2SConnector connector,
    DialbackVerifier verifier,
    TimeProvider time,
    ILoggerFactory loggers,
    CancellationToken shutdown)
{
    public XmppServerOptions Options { get; } = options;
    public DialbackKey Key { get; } = key;
    public S2SConnector Connector { get; } = connector;
    public DialbackVerifier Verifier { get; } = verifier;
    public TimeProvider Time { get; } = time;
    public ILoggerFactory Loggers { get; } = loggers;
    public CancellationToken Shutdown { get; } = shutdown;

    public bool IsLocal(string? domain) => domain is not null && Options.IsLocalDomain(domain);

    /// <summary>
    /// Authoritative server, XEP-0220 §2.2.2: recompute the key from the request's own attributes
    /// (XEP-0185), so any stream the key was issued on is covered without per-stream state.
    /// Returns null when the request lacks its addressing.
    /// </summary>
    public System.Xml.Linq.XElement? AnswerVerify(System.Xml.Linq.XElement request)
    {
        var receiving = Jid.DomainOf((string?)request.Attribute("from"));
        var originating = Jid.DomainOf((string?)request.Attribute("to"));
        var id = (string?)request.Attribute("id");
        if (receiving is null || originating is null || string.IsNullOrEmpty(id))
        {
            return null;
        }
        if (!IsLocal(originating))
        {
            return DialbackElements.Error(DialbackElements.Verify, originating, receiving, id, "item-not-found");
        }
        var valid = Key.Verify(receiving, originating, id, request.Value);
        return DialbackElements.VerifyVerdict(originating, receiving, id, valid);
    }
}
