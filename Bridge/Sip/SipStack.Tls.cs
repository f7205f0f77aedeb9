using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Bridge.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Sip;

/// <summary>
/// SIP over TLS (RFC 3261 §26.3.1, RFC 5922): the TCP framing over a TLS layer, mutual on both sides. The
/// peer must present a certificate authenticating some configured SIP domain (RFC 5922 §7.1); which ones
/// travels with every request on the connection, and the front-end checks the From domain against them.
/// </summary>
public sealed partial class SipStack
{
    private async Task AcceptTlsAsync(StreamConnection connection, IPEndPoint listen, CancellationToken stop)
    {
        IReadOnlyList<string> domains = [];
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = _options.TlsCertificate,
            ClientCertificateRequired = true,
            // Judged after the handshake, so the refusal can say why in our log.
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        try
        {
            using var timeout = new CancellationTokenSource(_options.TlsHandshakeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stop);
            await connection.UpgradeToTlsAsServerAsync(options, linked.Token).ConfigureAwait(false);
            domains = PeerDomains(connection);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogWarning("SIP TLS connection from {Remote} refused: handshake failed: {Error}", connection.RemoteEndPoint, e.Message);
        }
        if (domains.Count == 0)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }
        var channel = new SipTcpChannel(connection, listen, SipTransport.Tls, domains);
        _connections[connection.RemoteEndPoint] = channel;
        await ConnectionLoopAsync(channel, stop).ConfigureAwait(false);
    }

    /// <summary>Client side: our certificate goes out (mutual TLS); the server's must authenticate a SIP domain.</summary>
    private async Task<IReadOnlyList<string>> SecureAsClientAsync(StreamConnection connection, CancellationToken ct)
    {
        var options = new SslClientAuthenticationOptions
        {
            // The route is configured by address; names are checked against the configured domains instead.
            TargetHost = connection.RemoteEndPoint.Address.ToString(),
            ClientCertificates = _options.TlsCertificate is { } own ? [own] : null,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        try
        {
            using var timeout = new CancellationTokenSource(_options.TlsHandshakeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
            await connection.UpgradeToTlsAsClientAsync(options, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"TLS handshake with {connection.RemoteEndPoint} failed: {e.Message}", e);
        }
        var domains = PeerDomains(connection);
        if (domains.Count == 0)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"TLS peer {connection.RemoteEndPoint} presented no certificate authenticating a configured SIP domain");
        }
        return domains;
    }

    private IReadOnlyList<string> PeerDomains(StreamConnection connection)
    {
        var remote = connection.Tls?.RemoteCertificate;
        using var certificate = remote is null ? null : X509CertificateLoader.LoadCertificate(remote.GetRawCertData());
        var domains = _options.TlsPeerDomains(certificate);
        if (domains.Count == 0)
        {
            _logger.LogWarning("SIP TLS peer {Remote} refused: its certificate ({Subject}) authenticates no configured SIP domain",
                connection.RemoteEndPoint, certificate?.Subject ?? "none");
        }
        else
        {
            _logger.LogInformation("SIP TLS peer {Remote} authenticated as {Domains}", connection.RemoteEndPoint, string.Join(", ", domains));
        }
        return domains;
    }
}
