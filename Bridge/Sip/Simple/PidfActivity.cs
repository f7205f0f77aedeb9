namespace Bridge.Sip.Simple;

/// <summary>
/// One child of &lt;rpid:activities&gt; (RFC 4480 §3.2): its local name ("away", "busy", ...) and, for
/// &lt;rpid:other&gt;, its free text.
/// </summary>
public sealed record PidfActivity(string Name, string? Text = null);
