namespace Bridge.Mapping.Addresses;

/// <summary>
/// A protocol-neutral user address (RFC 7247 §6: both XMPP and SIP addresses are of the form
/// user@domain plus an optional instance identifier).
/// </summary>
/// <param name="Local">The user's identity, unescaped (e.g. <c>d'artagnan</c>, <c>user name</c>); null for a bare domain.</param>
/// <param name="Domain">The domain; stored lower-cased so that addresses compare as the domain name system does.</param>
/// <param name="Resource">XMPP resourcepart or the SIP GRUU <c>gr</c> value (RFC 7247 §6.3); null for a bare address.</param>
public sealed record ChatAddress(string? Local, string Domain, string? Resource = null)
{
    /// <summary>The domain, lower-cased (DNS names are case-insensitive, RFC 4343).</summary>
    public string Domain { get; init; } = (Domain ?? throw new ArgumentNullException(nameof(Domain))).ToLowerInvariant();

    /// <summary>This address without its <see cref="Resource"/>.</summary>
    public ChatAddress Bare => Resource is null ? this : this with { Resource = null };

    /// <summary>"local@domain/resource", for logs.</summary>
    public override string ToString()
    {
        var text = Local is null ? Domain : Local + "@" + Domain;
        return Resource is null ? text : text + "/" + Resource;
    }
}
