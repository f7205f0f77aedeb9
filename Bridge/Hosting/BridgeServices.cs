using System.Net;
using System.Security.Cryptography.X509Certificates;
using Bridge.FrontEnds.Sip;
using Bridge.FrontEnds.Xmpp;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Hosting.Configuration;
using Bridge.Hosting.Storage;
using Bridge.Mapping.Configuration;
using Bridge.Net.Tls;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Bridge.Net;
using Bridge.Xmpp;
using Bridge.Xmpp.Component;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Hosting;

/// <summary>Wires config, policy, routing core, both protocol stacks and their front-ends.</summary>
public static class BridgeServices
{
    public static IServiceCollection AddBridge(this IServiceCollection services, IConfiguration configuration, BridgeConfig initial)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new BridgeConfigManager(configuration, initial, sp.GetRequiredService<ILogger<BridgeConfigManager>>()));
        services.AddSingleton<IBridgeConfigSource>(sp => sp.GetRequiredService<BridgeConfigManager>());
        services.AddSingleton<PeeringPolicy>();
        services.AddSingleton<IPeerRateLimiter, PeerRateLimiter>();
        services.AddSingleton<MessageRouter>();
        // The router needs the front-ends and the front-ends need the router: break the cycle lazily.
        services.AddSingleton(sp => new Lazy<MessageRouter>(sp.GetRequiredService<MessageRouter>));
        services.AddSingleton<PresenceRouter>();
        services.AddSingleton(sp => new Lazy<PresenceRouter>(sp.GetRequiredService<PresenceRouter>));
        // Read once at start: moving the database is a restart, not a reload.
        services.AddSingleton<ISubscriptionStore>(sp => initial.Storage.IsInMemory
            ? new InMemorySubscriptionStore()
            : new SqliteSubscriptionStore(initial.Storage.Path, TimeSpan.FromMilliseconds(initial.Storage.FlushIntervalMilliseconds), sp.GetRequiredService<ILogger<SqliteSubscriptionStore>>()));

        services.AddSingleton(sp => CertificateValidatorFrom(initial, sp.GetRequiredService<IBridgeConfigSource>(), sp.GetRequiredService<TimeProvider>()));
        // One copy of the bridge certificate for both stacks; read at start only.
        var certificate = initial.Tls.HasCertificate ? BridgeConfigReader.LoadCertificate(initial.Tls) : null;
        services.AddSingleton(sp => new SipStack(
            SipStackOptionsFrom(initial) with
            {
                TlsCertificate = certificate,
                TlsPeerDomains = peer => SipDomainsAuthenticatedBy(sp.GetRequiredService<IBridgeConfigSource>().Current, sp.GetRequiredService<PeerCertificateValidator>(), peer),
            },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SipStack>>()));
        services.AddSingleton<SipFrontEnd>();

        services.AddSingleton<IXmppResolver>(sp =>
        {
            var config = sp.GetRequiredService<IBridgeConfigSource>();
            return new XmppResolver(domain => StaticXmppRoute(config.Current, domain), sp.GetRequiredService<ILogger<XmppResolver>>());
        });
        services.AddSingleton(sp => new XmppServer(
            XmppServerOptionsFrom(initial, sp.GetRequiredService<PeeringPolicy>()) with
            {
                TlsCertificate = certificate,
                TlsModeFor = domain => ToTlsMode(sp.GetRequiredService<IBridgeConfigSource>().Current.TlsModeFor(domain)),
                CertificateValidator = sp.GetRequiredService<PeerCertificateValidator>(),
                // A pinned domain is authenticated by its certificate only: dialback would bypass the pin.
                RequiresCertificate = domain => sp.GetRequiredService<IBridgeConfigSource>().Current.FindDomain(domain)?.Tls.TrustedFingerprints is { IsDefaultOrEmpty: false },
            },
            sp.GetRequiredService<IXmppResolver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IXmppStanzaLink>(sp => StanzaLinkFrom(initial, sp));
        services.AddSingleton<IXmppPresenceCache, InMemoryXmppPresenceCache>();
        services.AddSingleton<XmppFrontEnd>();

        services.AddSingleton<IFrontEnd>(sp => sp.GetRequiredService<SipFrontEnd>());
        services.AddSingleton<IFrontEnd>(sp => sp.GetRequiredService<XmppFrontEnd>());
        services.AddHostedService(sp => sp.GetRequiredService<SipFrontEnd>());
        services.AddHostedService(sp => sp.GetRequiredService<XmppFrontEnd>());
        return services;
    }

    /// <summary>
    /// S2S alone, or, with Bridge:Xmpp:Component, the component link for its domain in front of S2S for
    /// every other SIP domain. Read at start: switching the link is a restart, not a reload.
    /// </summary>
    private static IXmppStanzaLink StanzaLinkFrom(BridgeConfig initial, IServiceProvider sp)
    {
        var server = sp.GetRequiredService<XmppServer>();
        if (ComponentOptionsFrom(initial, sp.GetRequiredService<PeeringPolicy>()) is not { } options)
        {
            return server;
        }
        var component = new ComponentClient(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
        return new XmppStanzaLinks([component, server]);
    }

    /// <summary>The component link's options, or null when none is configured.</summary>
    public static ComponentOptions? ComponentOptionsFrom(BridgeConfig config, PeeringPolicy policy)
    {
        if (config.Xmpp.Component is not { } c)
        {
            return null;
        }
        var resilience = config.Resilience;
        return new ComponentOptions(c.Host, c.Port, c.Name, c.Secret)
        {
            MaxStanzaBytes = config.Xmpp.MaxStanzaBytes,
            ConnectTimeout = config.Xmpp.ConnectTimeout ?? TimeSpan.FromSeconds(10),
            QueueLimit = resilience.QueueLimit,
            QueueDeadline = TimeSpan.FromSeconds(resilience.QueueDeadlineSeconds),
            Backoff = BackoffFrom(resilience),
            // Policy read per stanza, so a reload that drops a peering takes effect at once.
            IsPeerAllowed = (local, remote) => policy.CheckLink(remote, DomainProtocol.Xmpp, local).IsAllowed,
        };
    }

    public static ReconnectBackoff BackoffFrom(ResilienceSettings resilience) =>
        ReconnectBackoff.Default with
        {
            MaxDelay = TimeSpan.FromSeconds(resilience.ReconnectMaxDelaySeconds),
            FirstDelay = TimeSpan.FromSeconds(Math.Min(0.5, resilience.ReconnectMaxDelaySeconds)),
        };

    public static SipStackOptions SipStackOptionsFrom(BridgeConfig config)
    {
        var listen = config.Sip.Listen
            .Select(l => new SipEndPoint(ToSipTransport(l.Transport), new IPEndPoint(l.Address, l.Port)))
            .ToList();
        return new SipStackOptions(listen, new SipParserLimits(config.Sip.MaxMessageBytes, config.Sip.MaxHeaderCount, config.Sip.MaxLineLength))
        {
            ConnectRetry = BackoffFrom(config.Resilience),
            ConnectDeadline = TimeSpan.FromSeconds(config.Resilience.QueueDeadlineSeconds),
            MaxWaitingPerConnection = config.Resilience.QueueLimit,
        };
    }

    /// <summary>
    /// The S2S layer learns which domains it serves and which peers it may talk to through the peering
    /// policy, read afresh on every stream so that a config reload takes effect for new streams.
    /// </summary>
    public static XmppServerOptions XmppServerOptionsFrom(BridgeConfig config, PeeringPolicy policy)
    {
        var listen = config.Xmpp.Listen ?? throw new InvalidOperationException("Bridge:Xmpp:Listen is required");
        return new XmppServerOptions(new IPEndPoint(IPAddress.Parse(listen.Host), listen.Port), config.Xmpp.DialbackSecret)
        {
            MaxStanzaBytes = config.Xmpp.MaxStanzaBytes,
            ConnectTimeout = config.Xmpp.ConnectTimeout ?? TimeSpan.FromSeconds(10),
            IsLocalDomain = domain => policy.IsDomain(domain, DomainProtocol.Sip),
            IsPeerAllowed = (local, remote) => policy.CheckLink(remote, DomainProtocol.Xmpp, local).IsAllowed,
            MaxQueuedStanzasPerDomain = config.Resilience.QueueLimit,
            ConnectRetry = BackoffFrom(config.Resilience),
        };
    }

    /// <summary>
    /// Trust anchors (the CA file, else the system store) are read at start; pinned fingerprints are read
    /// from the current configuration at each check, so a reload changes them for new connections.
    /// </summary>
    public static PeerCertificateValidator CertificateValidatorFrom(BridgeConfig initial, IBridgeConfigSource config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(config);
        var roots = initial.Tls.CaFile is { } ca ? BridgeConfigReader.LoadCaFile(ca) : null;
        return new PeerCertificateValidator(roots, domain => config.Current.FindDomain(domain)?.Tls.TrustedFingerprints is { IsDefaultOrEmpty: false } pins ? pins : [], time);
    }

    /// <summary>The configured SIP domains (Tls not off) that a peer certificate authenticates (RFC 5922 §7.1).</summary>
    public static IReadOnlyList<string> SipDomainsAuthenticatedBy(BridgeConfig config, PeerCertificateValidator validator, X509Certificate2? certificate)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(validator);
        return config.Domains.Values
            .Where(d => d.Protocol == DomainProtocol.Sip && config.TlsModeFor(d.Name) != TlsRequirement.Off)
            .Where(d => validator.Check(certificate, d.Name, PeerIdentityKind.SipDomain).IsValid)
            .Select(d => d.Name)
            .ToList();
    }

    public static TlsMode ToTlsMode(TlsRequirement requirement) => requirement switch
    {
        TlsRequirement.Required => TlsMode.Required,
        TlsRequirement.Optional => TlsMode.Optional,
        _ => TlsMode.Off,
    };

    private static (string Host, int Port)? StaticXmppRoute(BridgeConfig config, string domain) =>
        config.Domains.TryGetValue(domain, out var d) && d.Protocol == DomainProtocol.Xmpp && d.Route is { } r
            ? (r.Host, r.Port)
            : null;

    private static SipTransport ToSipTransport(TransportKind kind) => kind switch
    {
        TransportKind.Tcp => SipTransport.Tcp,
        TransportKind.Tls => SipTransport.Tls,
        _ => SipTransport.Udp,
    };
}
