using Bridge.Net;

namespace Bridge.Xmpp.Component;

/// <summary>
/// An XEP-0114 connection from the bridge to an XMPP server's component port.
/// </summary>
/// <param name="Host">The XMPP server's address or name.</param>
/// <param name="Port">Its component port (Prosody: component_ports, default 5347).</param>
/// <param name="Name">The component's domain on that server: the bridge-served domain whose traffic uses this link.</param>
/// <param name="Secret">The shared secret (Prosody: component_secret).</param>
public sealed record ComponentOptions(string Host, int Port, string Name, string Secret)
{
    public int MaxStanzaBytes { get; init; } = 262144;
    public int MaxDepth { get; init; } = 32;

    /// <summary>Connect, stream header and handshake must complete within this, else the attempt failed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ReconnectBackoff Backoff { get; init; } = ReconnectBackoff.Default;

    /// <summary>Stanzas waiting while the link is down, at most.</summary>
    public int QueueLimit { get; init; } = 1000;

    /// <summary>How long a stanza may wait for the link; then its sender gets the error.</summary>
    public TimeSpan QueueDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Policy: may users of the remote XMPP domain (second argument) talk with the local domain (first)?
    /// Component traffic arrives from every vhost of the server, so each stanza's 'from' is checked.
    /// </summary>
    public Func<string, string, bool> IsPeerAllowed { get; init; } = (local, remote) => false;
}
