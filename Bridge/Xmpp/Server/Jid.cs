namespace Bridge.Xmpp.Server;

/// <summary>Just enough of RFC 7622 to route: the domainpart of a JID.</summary>
internal static class Jid
{
    /// <summary>The lowercased domainpart, or null when the address is missing or has none.</summary>
    public static string? DomainOf(string? jid)
    {
        if (string.IsNullOrEmpty(jid))
        {
            return null;
        }
        var slash = jid.IndexOf('/', StringComparison.Ordinal);
        var bare = slash >= 0 ? jid[..slash] : jid;
        var at = bare.IndexOf('@', StringComparison.Ordinal);
        var domain = at >= 0 ? bare[(at + 1)..] : bare;
        domain = domain.TrimEnd('.');
        return domain.Length == 0 || domain.Length > 1023 || domain.Any(c => char.IsWhiteSpace(c) || c is '@' or '/' or '<' or '>' or '"' or '\'' or '&')
            ? null
            : domain.ToLowerInvariant();
    }
}
