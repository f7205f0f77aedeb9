namespace Bridge.Sip;

/// <summary>
/// Bounds on what the parser accepts; past them a message is <see cref="SipParseStatus.TooLarge"/>. The stack
/// answers an oversize message 513 (RFC 3261 §21.5.7) and too many header fields or a too long header line 400
/// with a reason phrase saying which (§21.4.1), and closes a stream connection afterwards: its framing is lost.
/// </summary>
/// <param name="MaxMessageBytes">Largest message, start line to end of body. 65535 is the most a UDP datagram carries.</param>
/// <param name="MaxHeaderCount">Most header fields (after unfolding, before splitting comma lists).</param>
/// <param name="MaxLineLength">Longest header field, in characters, continuation lines included.</param>
public sealed record SipParserLimits(int MaxMessageBytes = 65535, int MaxHeaderCount = 128, int MaxLineLength = 8192);
