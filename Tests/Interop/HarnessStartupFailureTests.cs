using System.Net;
using System.Net.Sockets;

namespace Bridge.Tests.Interop;

/// <summary>A peer that cannot start must fail the fixture loudly, with its own log.</summary>
[TestClass]
[TestCategory("Interop")]
[DoNotParallelize]
public sealed class HarnessStartupFailureTests
{
    [TestInitialize]
    public void RequirePeers() => InteropEnvironment.RequirePeers();

    [TestMethod]
    public async Task KamailioThatCannotBindReportsItsLogTail()
    {
        // Hold Kamailio's UDP port so that it exits at startup (TCP stays free, so the
        // fixture's own "port in use" pre-check does not fire).
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(PeerServers.SipEndPoint);

        var ex = await Assert.ThrowsExactlyAsync<InteropSetupException>(() => PeerServers.StartAsync());

        StringAssert.Contains(ex.Message, "kamailio");
        StringAssert.Contains(ex.Message, "kamailio.log");
        StringAssert.Contains(ex.Message, "127.0.0.1:5060");
        StringAssert.Contains(ex.Message, "Address already in use");
        // The fixture cleaned up after itself: Prosody was stopped again.
        Assert.IsFalse(await TcpProbe.AcceptsAsync(PeerServers.XmppClientEndPoint), "prosody left running");
    }
}
