using System.Globalization;

namespace Bridge.Sip;

/// <summary>
/// Dialog state of RFC 3261 §12.1 (UAC §12.1.2, UAS §12.1.1) and the in-dialog request rules of §12.2. Pure state:
/// it builds requests and judges incoming ones, the caller does the sending. Not thread-safe; the owner
/// (a subscription state machine) serializes access. INVITE-specific parts (ACK/CANCEL CSeq, early dialogs,
/// the secure flag) are not modelled: only non-INVITE dialog usages (RFC 6665) exist so far. Section numbers are
/// cited from knowledge of RFC 3261: the stored copies searched gave only its opening pages.
/// </summary>
public sealed class SipDialog
{
    /// <summary>Methods that refresh the remote target (RFC 3261 §12.2; RFC 6665 §4.1.2.2 and §4.2.1.2 add SUBSCRIBE and NOTIFY).</summary>
    private static readonly HashSet<string> TargetRefreshMethods = new(StringComparer.Ordinal) { "INVITE", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER" };

    private readonly List<string> _routeSet;

    private SipDialog(string callId, string localTag, string remoteTag, SipNameAddr localParty, SipNameAddr remoteParty,
        string remoteTarget, List<string> routeSet, string localContact)
    {
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
        LocalParty = WithoutTag(localParty);
        RemoteParty = WithoutTag(remoteParty);
        RemoteTarget = remoteTarget;
        _routeSet = routeSet;
        LocalContact = localContact;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    /// <summary>Empty when the peer sent no tag (RFC 3261 §12.1.2: RFC 2543 backwards compatibility).</summary>
    public string RemoteTag { get; }

    public SipDialogKey Key => new(CallId, LocalTag, RemoteTag);

    /// <summary>Local URI with display name and non-tag parameters (goes in From of our requests).</summary>
    public SipNameAddr LocalParty { get; }

    /// <summary>Remote URI with display name and non-tag parameters (goes in To of our requests).</summary>
    public SipNameAddr RemoteParty { get; }

    public string LocalUri => LocalParty.Uri;

    public string RemoteUri => RemoteParty.Uri;

    /// <summary>The peer's Contact URI; changed by target refresh requests.</summary>
    public string RemoteTarget { get; private set; }

    /// <summary>Route set entries (name-addr values) in the order they go into Route header fields.</summary>
    public IReadOnlyList<string> RouteSet => _routeSet;

    /// <summary>Our Contact URI, put in target refresh requests we send.</summary>
    public string LocalContact { get; }

    /// <summary>Last CSeq we used; null while empty (a UAS dialog before its first request of ours).</summary>
    public long? LocalCSeq { get; internal set; }

    /// <summary>Highest CSeq received from the peer; null while empty.</summary>
    public long? RemoteCSeq { get; private set; }

    /// <summary>
    /// UAC side (§12.1.2): built from a dialog-creating request we sent and the 2xx that answered it. The route
    /// set is the response's Record-Route in reverse order; the remote target its Contact.
    /// </summary>
    /// <exception cref="FormatException">The pair cannot form a dialog (missing tag, Contact, Call-ID or CSeq).</exception>
    public static SipDialog FromUacResponse(SipRequest request, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is < 200 or >= 300)
        {
            throw new FormatException($"only a 2xx creates a confirmed dialog, got {response.StatusCode}");
        }
        var callId = Require(request.CallId, "Call-ID");
        if (!string.Equals(response.CallId, callId, StringComparison.Ordinal))
        {
            throw new FormatException("the response's Call-ID differs from the request's");
        }
        var from = request.From ?? throw new FormatException("the request has no valid From");
        var localTag = Require(from.Tag, "From tag");
        var to = response.To ?? throw new FormatException("the response has no valid To");
        var cseq = request.CSeqNumber ?? throw new FormatException("the request has no valid CSeq");
        var contact = request.Headers[SipHeaderNames.Contact] is { } c ? ContactUri(c) : null;
        var routes = new List<string>(response.Headers.GetAllSplit(SipHeaderNames.RecordRoute));
        routes.Reverse();
        return new SipDialog(callId, localTag, to.Tag ?? string.Empty, from, to, RemoteTargetOf(response), ValidRoutes(routes),
            contact ?? throw new FormatException("the request has no valid Contact"))
        {
            LocalCSeq = cseq,
        };
    }

    /// <summary>
    /// UAS side (§12.1.1): built from a dialog-creating request we received and answer with a 2xx carrying
    /// <paramref name="localTag"/> and <paramref name="contact"/>. The route set is the request's Record-Route in
    /// order. The remote CSeq is the request's; the local CSeq stays empty.
    /// </summary>
    /// <exception cref="FormatException">The request cannot form a dialog.</exception>
    public static SipDialog FromUasRequest(SipRequest request, string localTag, string contact)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(localTag);
        ArgumentException.ThrowIfNullOrEmpty(contact);
        var callId = Require(request.CallId, "Call-ID");
        var from = request.From ?? throw new FormatException("the request has no valid From");
        var to = request.To ?? throw new FormatException("the request has no valid To");
        var cseq = request.CSeqNumber ?? throw new FormatException("the request has no valid CSeq");
        var routes = new List<string>(request.Headers.GetAllSplit(SipHeaderNames.RecordRoute));
        return new SipDialog(callId, localTag, from.Tag ?? string.Empty, to, from, RemoteTargetOf(request), ValidRoutes(routes), ContactUri(contact))
        {
            RemoteCSeq = cseq,
        };
    }

    /// <summary>
    /// Rebuilds a dialog from state saved earlier (e.g. across a process restart), so that requests continue the
    /// SAME dialog: RFC 3261 §12 identifies it by Call-ID and tags only, and §12.2.1.1 requires the local CSeq to
    /// keep increasing. Parties are name-addr values without tags.
    /// </summary>
    /// <exception cref="FormatException">A party, the remote target or a route is malformed.</exception>
    public static SipDialog Restore(string callId, string localTag, string remoteTag, string localParty, string remoteParty,
        string remoteTarget, IReadOnlyList<string> routeSet, string localContact, long? localCSeq, long? remoteCSeq)
    {
        ArgumentNullException.ThrowIfNull(routeSet);
        var local = SipNameAddr.TryParse(localParty, out var l) ? l : throw new FormatException($"'{localParty}' is not a valid local party");
        var remote = SipNameAddr.TryParse(remoteParty, out var r) ? r : throw new FormatException($"'{remoteParty}' is not a valid remote party");
        if (!SipUri.TryParse(remoteTarget, out _))
        {
            throw new FormatException($"'{remoteTarget}' is not a valid remote target");
        }
        return new SipDialog(Require(callId, "Call-ID"), Require(localTag, "local tag"), remoteTag ?? string.Empty, local, remote,
            remoteTarget, ValidRoutes([.. routeSet]), ContactUri(Require(localContact, "local Contact")))
        {
            LocalCSeq = localCSeq,
            RemoteCSeq = remoteCSeq,
        };
    }

    /// <summary>
    /// Builds the next in-dialog request (§12.2.1.1): To/From with the dialog tags, Call-ID, the next local CSeq,
    /// Max-Forwards, Contact on target refresh methods, and Request-URI plus Route headers from the route set
    /// (loose routing when the first route has ;lr, strict routing otherwise). Not for ACK or CANCEL.
    /// </summary>
    public SipOutboundRequest CreateRequest(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (method is "ACK" or "CANCEL")
        {
            throw new ArgumentException($"{method} takes the CSeq of the request it refers to, not a new one", nameof(method));
        }
        string requestUri;
        var routes = new List<string>();
        if (_routeSet.Count == 0)
        {
            requestUri = RemoteTarget;
        }
        else if (IsLooseRoute(_routeSet[0]))
        {
            requestUri = RemoteTarget;
            routes.AddRange(_routeSet);
        }
        else
        {
            // Strict routing: the first route becomes the Request-URI (without the parameters a Request-URI may not
            // carry, i.e. URI headers), the rest follow and the remote target goes last.
            requestUri = StripUriHeaders(RouteUri(_routeSet[0]));
            routes.AddRange(_routeSet.Skip(1));
            routes.Add($"<{RemoteTarget}>");
        }
        var request = new SipRequest(method, requestUri);
        foreach (var route in routes)
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }
        request.Headers.Add(SipHeaderNames.From, LocalParty.WithTag(LocalTag).ToString());
        request.Headers.Add(SipHeaderNames.To, RemoteTag.Length > 0 ? RemoteParty.WithTag(RemoteTag).ToString() : RemoteParty.ToString());
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        // §12.2.1.1: an empty local sequence number starts at any value below 2**31 (§8.1.1.5); 1 keeps traces readable.
        var cseq = (LocalCSeq ?? 0) + 1;
        LocalCSeq = cseq;
        request.Headers.Add(SipHeaderNames.CSeq, $"{cseq.ToString(CultureInfo.InvariantCulture)} {method}");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        if (TargetRefreshMethods.Contains(method))
        {
            request.Headers.Add(SipHeaderNames.Contact, $"<{LocalContact}>");
        }
        // The next hop is the first route (whether loose or strict), else the remote target (§12.2.1.1, §8.1.2).
        var nextHop = _routeSet.Count > 0 ? RouteUri(_routeSet[0]) : RemoteTarget;
        return new SipOutboundRequest(request, nextHop);
    }

    /// <summary>
    /// Judges an incoming request that matched this dialog (§12.2.2). Returns false with the status to answer
    /// when it must be rejected: 481 when it does not belong here, 400 without a valid CSeq, 500 when its CSeq is
    /// lower than the remote sequence number (out of order). On success records its CSeq and, for target refresh
    /// requests with a valid Contact, takes the new remote target.
    /// </summary>
    public bool TryAcceptRemoteRequest(SipRequest request, out int rejectStatus)
    {
        ArgumentNullException.ThrowIfNull(request);
        rejectStatus = 0;
        if (!Key.Equals(SipDialogKey.ForIncomingRequest(request)))
        {
            rejectStatus = 481;
            return false;
        }
        if (request.CSeqNumber is not { } cseq || !string.Equals(request.CSeqMethod, request.Method, StringComparison.Ordinal))
        {
            rejectStatus = 400;
            return false;
        }
        if (RemoteCSeq is { } remote && cseq < remote)
        {
            rejectStatus = 500;
            return false;
        }
        RemoteCSeq = cseq;
        if (TargetRefreshMethods.Contains(request.Method) && TryContactUri(request.Headers[SipHeaderNames.Contact], out var target))
        {
            RemoteTarget = target;
        }
        return true;
    }

    private static string RemoteTargetOf(SipMessage message) =>
        TryContactUri(message.Headers[SipHeaderNames.Contact], out var uri) ? uri : throw new FormatException("no valid Contact for the remote target");

    private static bool TryContactUri(string? value, out string uri)
    {
        uri = string.Empty;
        if (value is null)
        {
            return false;
        }
        var first = SipSyntax.SplitTopLevel(value);
        if (first.Count == 0 || !SipNameAddr.TryParse(first[0], out var contact) || contact.Uri == "*")
        {
            return false;
        }
        uri = contact.Uri;
        return true;
    }

    private static string ContactUri(string value)
    {
        if (TryContactUri(value, out var uri))
        {
            return uri;
        }
        // A bare URI with parameters parses as addr-spec minus its parameters; accept the caller's text then.
        return SipUri.TryParse(value, out _) ? value : throw new FormatException($"'{value}' is not a valid Contact");
    }

    private static List<string> ValidRoutes(List<string> routes)
    {
        foreach (var route in routes)
        {
            if (!SipNameAddr.TryParse(route, out _))
            {
                throw new FormatException($"Record-Route value '{route}' is malformed");
            }
        }
        return routes;
    }

    private static string RouteUri(string route) => SipNameAddr.TryParse(route, out var r) ? r.Uri : route;

    private static bool IsLooseRoute(string route) =>
        SipNameAddr.TryParse(route, out var r) && r.SipUri is { } uri && uri.Parameters.ContainsKey("lr");

    private static string StripUriHeaders(string uri)
    {
        var q = uri.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? uri : uri[..q];
    }

    private static SipNameAddr WithoutTag(SipNameAddr party)
    {
        if (party.Tag is null)
        {
            return party;
        }
        var parameters = new OrderedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in party.Parameters)
        {
            if (!k.Equals("tag", StringComparison.OrdinalIgnoreCase))
            {
                parameters[k] = v;
            }
        }
        return party with { Parameters = parameters };
    }

    private static string Require(string? value, string what) =>
        string.IsNullOrEmpty(value) ? throw new FormatException($"the message has no {what}") : value;
}
