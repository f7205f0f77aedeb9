using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bridge.Mapping.Addresses;

/// <summary>
/// Converts between XMPP addresses (JIDs, RFC 7622) and <see cref="ChatAddress"/>, applying
/// XEP-0106 escaping to the localpart as RFC 7247 §6.2 requires.
/// </summary>
/// <example>
/// <code>
/// TryFromXmpp("d\\27artagnan@musketeers.lit/gate", out a)  // a = ("d'artagnan", "musketeers.lit", "gate")
/// TryFromXmpp("space\\20cadet@Example.COM", out a)       // a = ("space cadet", "example.com")
/// ToXmpp(new ChatAddress("user@host", "example.com"))     // "user\40host@example.com"
/// ToXmpp(new ChatAddress("romeo", "example.net", "dr4hcr0st3lup4c")) // "romeo@example.net/dr4hcr0st3lup4c"
/// </code>
/// </example>
public static class XmppAddressMapping
{
    /// <summary>RFC 7622 §3.2-3.4: each part is at most 1023 octets of UTF-8.</summary>
    public const int MaxPartBytes = 1023;

    /// <summary>
    /// Parses a JID (RFC 7622 §3.1: resourcepart after the first '/', localpart before the first '@'
    /// preceding it), case-folds the localpart as the server does (RFC 7622 §3.3) and only then
    /// unescapes it (XEP-0106 §4.1 rule 2). Rejects empty parts, parts over 1023 octets,
    /// characters a localpart or domainpart cannot hold, and "\20" at either end of the localpart
    /// (XEP-0106 §4.1 rule 6).
    /// </summary>
    public static bool TryFromXmpp(string jid, [NotNullWhen(true)] out ChatAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(jid))
        {
            return false;
        }

        string? resource = null;
        var rest = jid;
        var slash = jid.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            resource = jid[(slash + 1)..];
            rest = jid[..slash];
            if (!IsValidResource(resource))
            {
                return false;
            }
        }

        string? local = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var domain = rest;
        if (at >= 0)
        {
            local = rest[..at];
            domain = rest[(at + 1)..];
            if (!IsValidEscapedLocal(local))
            {
                return false;
            }

            local = JidEscaping.Unescape(local.ToLowerInvariant());
        }

        // RFC 7622 §3.2: a trailing dot is stripped before any other processing.
        if (domain.EndsWith('.'))
        {
            domain = domain[..^1];
        }

        if (!DomainName.IsValid(domain))
        {
            return false;
        }

        address = new ChatAddress(local, domain, resource);
        return true;
    }

    /// <summary>Formats an address as a JID, escaping the localpart (XEP-0106 §3.2).</summary>
    /// <exception cref="ArgumentException">The localpart cannot be represented (see <see cref="TryToXmpp"/>).</exception>
    public static string ToXmpp(ChatAddress address) =>
        TryToXmpp(address, out var jid)
            ? jid
            : throw new ArgumentException($"'{address}' cannot be expressed as an XMPP address", nameof(address));

    /// <summary>
    /// Formats an address as a JID. False if the localpart begins or ends with a space (XEP-0106 §4.1
    /// rule 6), holds control or non-ASCII space characters, or any part is empty or over 1023 octets.
    /// </summary>
    public static bool TryToXmpp(ChatAddress address, [NotNullWhen(true)] out string? jid)
    {
        ArgumentNullException.ThrowIfNull(address);
        jid = null;
        var sb = new StringBuilder();
        if (address.Local is not null)
        {
            var escaped = JidEscaping.Escape(address.Local);
            if (escaped is null || Encoding.UTF8.GetByteCount(escaped) > MaxPartBytes)
            {
                return false;
            }

            sb.Append(escaped).Append('@');
        }

        if (!DomainName.IsValid(address.Domain))
        {
            return false;
        }

        sb.Append(address.Domain);
        if (address.Resource is not null)
        {
            if (!IsValidResource(address.Resource))
            {
                return false;
            }

            sb.Append('/').Append(address.Resource);
        }

        jid = sb.ToString();
        return true;
    }

    private static bool IsValidEscapedLocal(string local)
    {
        if (local.Length == 0 || Encoding.UTF8.GetByteCount(local) > MaxPartBytes)
        {
            return false;
        }

        if (local.StartsWith("\\20", StringComparison.Ordinal) || local.EndsWith("\\20", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            // RFC 7622 §3.3.1 / Nodeprep: the XEP-0106 characters, spaces and controls never appear on the wire.
            if (char.IsControl(c) || char.IsWhiteSpace(c) || "\"&'/:<>@".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidResource(string resource)
    {
        if (resource.Length == 0 || Encoding.UTF8.GetByteCount(resource) > MaxPartBytes)
        {
            return false;
        }

        foreach (var c in resource)
        {
            // RFC 7622 §3.4 (OpaqueString): spaces are fine, controls are not.
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
