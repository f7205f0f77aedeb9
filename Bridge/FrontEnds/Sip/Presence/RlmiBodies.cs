using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Presence;
using Bridge.Sip;
using Bridge.Sip.Simple;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// List NOTIFY bodies (RFC 4662 §5): multipart/related whose root (the "start" part, else the first) is
/// RLMI and whose other parts are the members' PIDF documents, referenced by Content-ID from each
/// &lt;instance cid&gt;. Members whose URI is not a SIP address the bridge can map are skipped: they could
/// never be shown to an XMPP watcher anyway.
/// </summary>
public static class RlmiBodies
{
    public const string MultipartRelated = "multipart/related";

    /// <summary>True when the NOTIFY carries a list rather than one presentity's PIDF.</summary>
    public static bool IsList(SipRequest notify) =>
        notify.ContentType?.Split(';', 2)[0].Trim().Equals(MultipartRelated, StringComparison.OrdinalIgnoreCase) == true;

    public static bool TryRead(SipRequest notify, out ListNotification? list, out string? error)
    {
        ArgumentNullException.ThrowIfNull(notify);
        list = null;
        var contentType = notify.ContentType;
        if (MultipartParser.Boundary(contentType) is not { } boundary)
        {
            error = "multipart body without a usable boundary";
            return false;
        }
        if (!MultipartParser.TryParse(notify.Body, boundary, out var parts, out error))
        {
            return false;
        }
        var start = MultipartParser.Parameter(contentType, "start")?.Trim().TrimStart('<').TrimEnd('>');
        var root = parts.FirstOrDefault(p => start is not null && p.ContentId == start) ?? parts[0];
        if (root.MediaType != RlmiParser.ContentType)
        {
            error = $"the root part is {root.MediaType}, not {RlmiParser.ContentType}";
            return false;
        }
        if (!RlmiParser.TryParse(root.Body.Span, out var rlmi, out error))
        {
            return false;
        }
        var byId = new Dictionary<string, MimePart>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part.ContentId is { } id)
            {
                byId.TryAdd(id, part);
            }
        }
        var members = ImmutableArray.CreateBuilder<ListMemberState>();
        foreach (var resource in rlmi!.Resources)
        {
            if (!SipAddressMapping.TryFromSip(resource.Uri, out var address) || address.Local is null)
            {
                continue;
            }
            var member = new ListMember(address.Bare, resource.Names);
            // §5.2: several instances are possible (forks); the first active one with a body speaks for the member.
            var instance = resource.Instances.FirstOrDefault(i => i.State == "active" && i.ContentId is not null)
                ?? resource.Instances.FirstOrDefault();
            PresenceDocument? document = null;
            if (instance?.ContentId is { } cid && byId.TryGetValue(cid, out var body) && body.MediaType == SipEventPackage.PidfContentType)
            {
                var parsed = PidfParser.Parse(body.Body.Span);
                if (parsed.Document is { } pidf)
                {
                    document = PidfPresenceTranslator.FromSip(pidf, address.Bare);
                }
            }
            members.Add(new ListMemberState(member, instance?.State, instance?.Reason, document));
        }
        list = new ListNotification(rlmi.Uri, rlmi.Version, rlmi.FullState, members.ToImmutable());
        error = null;
        return true;
    }
}
