using System.Xml.Linq;

namespace Bridge.Xmpp;

/// <summary>XEP-0033 Extended Stanza Addressing: the namespace of the &lt;addresses/&gt; element (§3).</summary>
public static class XmppMulticastAddresses
{
    public static readonly XNamespace Namespace = XmppMulticastDiscovery.AddressFeature;
}
