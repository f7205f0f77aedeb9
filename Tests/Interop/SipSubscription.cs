using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>A presence watcher for SipTestClient.StartSubscriberAsync (sipp/subscribe.xml).</summary>
public sealed record SipSubscription(
    string FromUri,
    string ToUri,
    string? AuthUser = null,
    string? AuthPassword = null,
    int Expires = 600)
{
    /// <summary>Where the SUBSCRIBE goes; Kamailio unless a test talks to the bridge directly.</summary>
    public IPEndPoint Target { get; init; } = PeerServers.SipEndPoint;

    /// <summary>The address sipp binds (on a random high port).</summary>
    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;

    /// <summary>sipp ends itself after this long (-timeout), whatever happens.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Offer RFC 4662 lists: "Supported: eventlist" and RLMI/multipart in Accept.</summary>
    public bool EventList { get; init; }
}
