using System.Net;

namespace Bridge.Xmpp;

/// <summary>Finds the addresses of a domain's XMPP server-to-server service (RFC 6120 §3.2), best first.</summary>
public interface IXmppResolver
{
    ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string domain, CancellationToken ct);
}
