namespace Bridge.Sip.Simple;

/// <summary>A &lt;note&gt; (RFC 3863 §4.1.6) or &lt;dm:note&gt; (RFC 4479 §4): free text with an optional xml:lang.</summary>
public sealed record PidfNote(string Text, string? Language = null);
