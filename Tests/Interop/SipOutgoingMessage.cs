using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>A page-mode MESSAGE for SipTestClient.SendMessageAsync (sipp/uac_message.xml).</summary>
public sealed record SipOutgoingMessage(
    string FromUri,
    string ToUri,
    string Body,
    string? Subject = null,
    string? ContentLanguage = null,
    string? AuthUser = null,
    string? AuthPassword = null)
{
    /// <summary>Where the MESSAGE goes; Kamailio unless a test talks to the bridge directly.</summary>
    public IPEndPoint Target { get; init; } = PeerServers.SipEndPoint;

    /// <summary>The address sipp binds (on a random high port).</summary>
    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;
}
