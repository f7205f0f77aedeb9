namespace Bridge.Sip.Simple;

/// <summary>The &lt;basic&gt; status of a tuple (RFC 3863 §4.1.4).</summary>
public enum PidfBasic
{
    Open,
    Closed,
}
