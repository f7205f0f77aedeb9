namespace Bridge.Sip;

/// <summary>
/// What a notifier decided about a SUBSCRIBE: the status to answer, header fields to add to the response, and
/// whether a NOTIFY must follow at once (RFC 6665 §4.2.1.2: after every accepted SUBSCRIBE, including an unsubscribe).
/// </summary>
public sealed record SipSubscribeDecision(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, bool SendNotify)
{
    /// <summary>The dialog's local tag, which the response's To must carry (2xx only).</summary>
    public string? LocalTag { get; init; }

    /// <summary>
    /// Puts the decision into a response built by <see cref="SipStack.CreateResponse"/> for the same request:
    /// adds <see cref="Headers"/> and, when <see cref="LocalTag"/> is set, makes the To-tag the dialog's.
    /// </summary>
    public void ApplyTo(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != StatusCode)
        {
            throw new ArgumentException($"the response is {response.StatusCode}, the decision {StatusCode}", nameof(response));
        }
        if (LocalTag is not null && response.To is { } to && to.Tag != LocalTag)
        {
            response.Headers.Set(SipHeaderNames.To, to.WithTag(LocalTag).ToString());
        }
        foreach (var (name, value) in Headers)
        {
            response.Headers.Set(name, value);
        }
    }
}
