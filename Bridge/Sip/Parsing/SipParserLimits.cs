namespace Bridge.Sip;

/// <summary>Bounds on what the parser accepts; past them a message is <see cref="SipParseStatus.TooLarge"/> (answered 513).</summary>
public sealed record SipParserLimits(int MaxMessageBytes = 65535, int MaxHeaderCount = 128, int MaxLineLength = 8192);
