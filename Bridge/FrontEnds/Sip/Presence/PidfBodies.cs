using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;
using Bridge.Sip.Simple;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>NOTIFY bodies ↔ canonical presence documents (RFC 3856 §6.7: PIDF, RFC 3863).</summary>
public static class PidfBodies
{
    /// <summary>
    /// Reads a NOTIFY body. No body means "no state to report", read as a document without sources (the
    /// presentity offline as far as the watcher can tell). False for a body that is not PIDF or does not parse.
    /// </summary>
    public static bool TryRead(SipRequest notify, ChatAddress presentity, out PresenceDocument document, out string? error)
    {
        ArgumentNullException.ThrowIfNull(notify);
        ArgumentNullException.ThrowIfNull(presentity);
        document = new PresenceDocument(presentity.Bare, []);
        error = null;
        if (notify.Body.IsEmpty)
        {
            return true;
        }
        var type = notify.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(type, SipEventPackage.PidfContentType, StringComparison.OrdinalIgnoreCase))
        {
            error = $"unsupported body type {type}";
            return false;
        }
        var parsed = PidfParser.Parse(notify.Body.Span);
        if (parsed.Document is not { } pidf)
        {
            error = parsed.Error;
            return false;
        }
        document = PidfPresenceTranslator.FromSip(pidf, presentity.Bare);
        return true;
    }

    /// <summary>
    /// A PIDF body for a SIP watcher. A document without sources (all resources gone) becomes one tuple with
    /// basic closed: RFC 3863 §4.1.4 makes basic the one status every watcher understands, and an empty
    /// presence element would leave many clients showing the previous state.
    /// </summary>
    public static byte[] Write(PresenceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var pidf = PidfPresenceTranslator.ToSip(document);
        if (pidf.Tuples.IsEmpty)
        {
            pidf = pidf with { Tuples = [new PidfTuple("offline", PidfBasic.Closed)] };
        }
        return PidfWriter.Write(pidf);
    }
}
