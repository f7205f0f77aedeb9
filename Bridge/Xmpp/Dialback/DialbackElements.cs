using System.Xml.Linq;

namespace Bridge.Xmpp.Dialback;

/// <summary>
/// Builders for the XEP-0220 elements. Each carries its own xmlns:db declaration, so it serializes with the
/// conventional "db" prefix (XEP-0220 §2.4.1 notes some peers accept only that prefix).
/// </summary>
public static class DialbackElements
{
    public static readonly XName Result = XmppNamespaces.Dialback + "result";
    public static readonly XName Verify = XmppNamespaces.Dialback + "verify";

    /// <summary>Step 1: the initiating server's key.</summary>
    public static XElement ResultKey(string from, string to, string key) => Make(Result, from, to, null, null, key);

    /// <summary>Step 4: the receiving server's verdict, valid or invalid.</summary>
    public static XElement ResultVerdict(string from, string to, bool valid) => Make(Result, from, to, null, valid ? "valid" : "invalid", null);

    /// <summary>Step 2: the receiving server asks the authoritative server about a key.</summary>
    public static XElement VerifyRequest(string from, string to, string id, string key) => Make(Verify, from, to, id, null, key);

    /// <summary>Step 3: the authoritative server's answer.</summary>
    public static XElement VerifyVerdict(string from, string to, string id, bool valid) => Make(Verify, from, to, id, valid ? "valid" : "invalid", null);

    /// <summary>XEP-0220 §2.4: a dialback error, non-fatal for the stream.</summary>
    public static XElement Error(XName name, string from, string to, string? id, string condition)
    {
        var element = Make(name, from, to, id, "error", null);
        element.Add(new XElement(XmppNamespaces.Server + "error",
            new XAttribute("type", StanzaErrors.DefaultTypes.GetValueOrDefault(condition, "cancel")),
            new XElement(XmppNamespaces.StanzaErrors + condition)));
        return element;
    }

    private static XElement Make(XName name, string from, string to, string? id, string? type, string? key)
    {
        var element = new XElement(name,
            new XAttribute(XNamespace.Xmlns + "db", XmppNamespaces.Dialback),
            new XAttribute("from", from),
            new XAttribute("to", to));
        if (id is not null)
        {
            element.SetAttributeValue("id", id);
        }
        if (type is not null)
        {
            element.SetAttributeValue("type", type);
        }
        if (key is not null)
        {
            element.Value = key;
        }
        return element;
    }
}
