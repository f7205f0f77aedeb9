using System.Net;
using Bridge.FrontEnds.Sip;
using Bridge.FrontEnds.Xmpp;
using Bridge.FrontEnds.Xmpp.Presence;
using Bridge.Hosting.Configuration;
using Bridge.Hosting.Storage;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Policy;
using Bridge.Mapping.Routing;
using Bridge.Mapping.Storage;
using Bridge.Sip;
using Bridge.Xmpp;
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

        services.AddSingleton(sp => new SipStack(
            SipStackOptionsFrom(initial),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SipStack>>()));
        services.AddSingleton<SipFrontEnd>();

        services.AddSingleton<IXmppResolver>(sp =>
        {
            var config = sp.GetRequiredService<IBridgeConfigSource>();
            return new XmppResolver(domain => StaticXmppRoute(config.Current, domain), sp.GetRequiredService<ILogger<XmppResolver>>());
        });
        services.AddSingleton(sp => new XmppServer(
            XmppServerOptionsFrom(initial, sp.GetRequiredService<PeeringPolicy>()),
            sp.GetRequiredService<IXmppResolver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IXmppPresenceCache, InMemoryXmppPresenceCache>();
        services.AddSingleton<XmppFrontEnd>();

        services.AddSingleton<IFrontEnd>(sp => sp.GetRequiredService<SipFrontEnd>());
        services.AddSingleton<IFrontEnd>(sp => sp.GetRequiredService<XmppFrontEnd>());
        services.AddHostedService(sp => sp.GetRequiredService<SipFrontEnd>());
        services.AddHostedService(sp => sp.GetRequiredService<XmppFrontEnd>());
        return services;
    }

    public static SipStackOptions SipStackOptionsFrom(BridgeConfig config)
    {
        var listen = config.Sip.Listen
            .Select(l => new SipEndPoint(ToSipTransport(l.Transport), new IPEndPoint(l.Address, l.Port)))
            .ToList();
        return new SipStackOptions(listen, new SipParserLimits(config.Sip.MaxMessageBytes, config.Sip.MaxHeaderCount, config.Sip.MaxLineLength));
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
        };
    }

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
