namespace Bridge.Xmpp.Server;

/// <summary>What the authoritative server said about a key (XEP-0220 step 3).</summary>
internal enum DialbackVerdict
{
    Valid,
    Invalid,

    /// <summary>No authoritative server could be reached, or it does not host the domain.</summary>
    NotFound,

    /// <summary>The authoritative server did not answer in time, or the stream broke.</summary>
    Timeout,
}
