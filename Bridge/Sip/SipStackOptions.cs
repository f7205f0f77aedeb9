using System.Security.Cryptography.X509Certificates;

namespace Bridge.Sip;

/// <summary>Where the stack listens and its RFC 3261 §17.1.1.1 timer bases.</summary>
public sealed record SipStackOptions(IReadOnlyList<SipEndPoint> Listen, SipParserLimits Limits)
{
    /// <summary>RTT estimate.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retry of a failed outbound TCP/TLS connect (peer restarting); null tries once.</summary>
    public Bridge.Net.ReconnectBackoff? ConnectRetry { get; init; }

    /// <summary>How long requests may wait for an outbound connection; keep it below Timer F (64*T1).</summary>
    public TimeSpan ConnectDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests that may wait for one outbound connection; more fail at once (503).</summary>
    public int MaxWaitingPerConnection { get; init; } = 1000;
    /// <summary>Our certificate with its key, for tls: listeners and TLS connections we open (RFC 3261 §26.3.1).</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>
    /// Mutual TLS (RFC 5922 §7.1): which SIP domains a peer's certificate authenticates. A TLS connection
    /// whose peer authenticates none is refused; requests on it carry the list in
    /// <see cref="SipServerTransaction.TlsDomains"/>.
    /// </summary>
    public Func<X509Certificate2?, IReadOnlyList<string>> TlsPeerDomains { get; init; } = _ => [];

    /// <summary>How long a TLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
