using System.Net;
using System.Security.Cryptography.X509Certificates;
using Bridge.Net.Tls;

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
    /// <summary>The bridge's own certificate with its key; without it STARTTLS is not offered (RFC 6120 §5).</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>TLS policy towards a remote domain (null when the peer did not say who it is).</summary>
    public Func<string?, TlsMode> TlsModeFor { get; init; } = _ => TlsMode.Off;

    /// <summary>
    /// Domains that must authenticate with their certificate (e.g. pinned ones): no dialback fallback, and
    /// streams with them need TLS. Prosody's s2s_secure_auth, per domain.
    /// </summary>
    public Func<string, bool> RequiresCertificate { get; init; } = _ => false;

    /// <summary>Judges peer certificates (RFC 6125); null trusts the system store.</summary>
    public PeerCertificateValidator? CertificateValidator { get; init; }
}
