using System.Net;

namespace Bridge.Bench;

/// <summary>A presence notifier on the SIP peer's UAS socket: takes SUBSCRIBEs and the answers to its NOTIFYs.</summary>
internal interface ISipPresenceHandler
{
    /// <summary>Takes a SUBSCRIBE or a response to one of our NOTIFYs; false for anything else.</summary>
    bool TryHandle(ReadOnlySpan<byte> msg, IPEndPoint from);
}
