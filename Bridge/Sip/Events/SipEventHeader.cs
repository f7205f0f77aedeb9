using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bridge.Sip;

/// <summary>
/// An Event header value (RFC 6665 §8.2.1): event-type plus an optional id parameter. Two Event values match when
/// their types are equal byte by byte and their ids are equal (§4.1.2, §8.2.1), both absent counting as equal.
/// </summary>
public sealed record SipEventHeader(string Package, string? Id)
{
    public static bool TryParse(string? value, [NotNullWhen(true)] out SipEventHeader? result)
    {
        result = null;
        if (value is null)
        {
            return false;
        }
        var s = value.AsSpan().Trim();
        var semi = s.IndexOf(';');
        var type = (semi < 0 ? s : s[..semi]).Trim();
        // event-type is token-nodot *("." token-nodot); '.' is a token char, so token covers it.
        if (type.IsEmpty || !SipSyntax.IsToken(type))
        {
            return false;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (semi >= 0 && !SipSyntax.TryParseParameters(s[semi..], parameters))
        {
            return false;
        }
        result = new SipEventHeader(type.ToString(), parameters.TryGetValue("id", out var id) ? id : null);
        return true;
    }

    public bool Matches(SipEventHeader other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Package, other.Package, StringComparison.Ordinal) && string.Equals(Id, other.Id, StringComparison.Ordinal);
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Package);
        if (Id is not null)
        {
            sb.Append(";id=").Append(Id);
        }
        return sb.ToString();
    }
}
