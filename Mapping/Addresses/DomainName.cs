using System.Net;
using System.Text;

namespace Bridge.Mapping.Addresses;

/// <summary>Syntax check shared by XMPP domainparts (RFC 7622 §3.2) and SIP hosts (RFC 3261 §25.1).</summary>
internal static class DomainName
{
    /// <summary>
    /// A DNS name (ASCII letters, digits, '-', '_' or non-ASCII U-label characters; labels 1..63),
    /// an IPv4 address, or an IPv6 literal in brackets; at most 1023 octets (RFC 7622 §3.2).
    /// </summary>
    public static bool IsValid(string domain)
    {
        if (string.IsNullOrEmpty(domain) || Encoding.UTF8.GetByteCount(domain) > XmppAddressMapping.MaxPartBytes)
        {
            return false;
        }

        if (domain[0] == '[')
        {
            return domain[^1] == ']'
                && IPAddress.TryParse(domain.AsSpan(1, domain.Length - 2), out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        foreach (var label in domain.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                var ok = c > 0x7f ? !char.IsWhiteSpace(c) && !char.IsControl(c) : char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
