using System.Net;

namespace Bridge.Xmpp;

public sealed record XmppServerOptions(IPEndPoint Listen, string DialbackSecret)
{
    public int MaxStanzaBytes { get; init; } = 262144;
    public int MaxDepth { get; init; } = 32;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan DialbackTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Domains the bridge serves (answers S2S for).</summary>
    public Func<string, bool> IsLocalDomain { get; init; } = _ => false;

    /// <summary>Policy: may the remote XMPP domain (second argument) talk with the local domain (first).</summary>
    public Func<string, string, bool> IsPeerAllowed { get; init; } = (local, remote) => false;

    public int MaxQueuedStanzasPerDomain { get; init; } = 10000;

    /// <summary>
    /// Retry of a refused or failed outbound connect (a peer restarting) within <see cref="ConnectTimeout"/>,
    /// while the domain's stanzas wait in its queue; null tries each address once.
    /// </summary>
    public Bridge.Net.ReconnectBackoff? ConnectRetry { get; init; }
}
