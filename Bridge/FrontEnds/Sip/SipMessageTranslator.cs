using System.Text;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Messages;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip;

/// <summary>
/// RFC 7572 page-mode mapping between SIP MESSAGE (RFC 3428) and the canonical message. Example:
/// <c>MESSAGE sip:alice@a.test</c> with <c>From: &lt;sip:bob@b.test&gt;;tag=x</c>, <c>Subject: Hi</c>,
/// <c>Content-Language: fr</c>, <c>Content-Type: text/plain;charset=UTF-8</c> and body "Salut"
/// ↔ InstantMessage(From bob@b.test, To alice@a.test, Body "Salut", Subject "Hi", Language "fr").
/// </summary>
public static class SipMessageTranslator
{
    public static SipMessageTranslation FromSip(SipRequest request, string id)
    {
        if (request.Headers["From"] is not { } fromHeader || !SipNameAddr.TryParse(fromHeader, out var fromAddr) || fromAddr is null
            || !SipAddressMapping.TryFromSip(fromAddr.Uri, out var from) || from.Local is null)
        {
            return SipMessageTranslation.Reject(400, "Bad From");
        }
        if (!IsSupportedScheme(request.RequestUri))
        {
            return SipMessageTranslation.Reject(416, "Unsupported URI Scheme");
        }
        if (!SipAddressMapping.TryFromSip(request.RequestUri, out var to) || to.Local is null)
        {
            return SipMessageTranslation.Reject(404, "Not Found");
        }
        if (!TryDecodeBody(request, out var body))
        {
            return SipMessageTranslation.Reject(415, "Unsupported Media Type");
        }
        var language = request.Headers["Content-Language"]?.Split(',')[0].Trim();
        var message = new InstantMessage(
            Id: id,
            From: from,
            To: to,
            Body: body,
            Subject: request.Headers["Subject"],
            Language: string.IsNullOrEmpty(language) ? null : language,
            // RFC 7572: Call-ID <-> <thread/>; replies then carry the SIP conversation's identity back.
            Thread: request.CallId,
            Kind: MessageKind.Chat);
        return new SipMessageTranslation(message);
    }

    public static SipRequest ToSip(InstantMessage message)
    {
        var request = new SipRequest("MESSAGE", SipAddressMapping.ToSip(message.To));
        request.Headers.Add("From", $"<{SipAddressMapping.ToSip(message.From)}>;tag={SipStack.NewTag()}");
        request.Headers.Add("To", $"<{SipAddressMapping.ToSip(message.To.Bare)}>");
        request.Headers.Add("Call-ID", message.Thread is { } thread && IsCallId(thread) ? thread : SipStack.NewCallId(message.From.Domain));
        request.Headers.Add("CSeq", "1 MESSAGE");
        request.Headers.Add("Max-Forwards", "70");
        if (message.Subject is { } subject)
        {
            request.Headers.Add("Subject", subject);
        }
        if (message.Language is { Length: > 0 } language)
        {
            request.Headers.Add("Content-Language", language);
        }
        request.Headers.Add("Content-Type", "text/plain;charset=UTF-8");
        request.Body = Encoding.UTF8.GetBytes(message.Body);
        return request;
    }

    /// <summary>RFC 3261 §25.1: callid = word [ "@" word ]. A thread outside that grammar gets a fresh Call-ID instead.</summary>
    internal static bool IsCallId(string value)
    {
        if (value.Length is 0 or > 256)
        {
            return false;
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? IsWord(value) : at > 0 && IsWord(value.AsSpan(0, at)) && IsWord(value.AsSpan(at + 1));
    }

    private static bool IsWord(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty)
        {
            return false;
        }
        foreach (var c in word)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "-.!%*_+`'~()<>:\\\"/[]?{}".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsSupportedScheme(string uri) =>
        uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)
        || uri.StartsWith("im:", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("pres:", StringComparison.OrdinalIgnoreCase);

    /// <summary>text/plain in any charset .NET knows; a missing Content-Type with a body is read as text/plain (RFC 3428 §4 senders must set it, so be lenient).</summary>
    private static bool TryDecodeBody(SipRequest request, out string body)
    {
        body = "";
        var contentType = request.ContentType;
        Encoding encoding = Encoding.UTF8;
        if (contentType is not null)
        {
            var parts = contentType.Split(';');
            if (!string.Equals(parts[0].Trim(), "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                if (kv.Length == 2 && string.Equals(kv[0].Trim(), "charset", StringComparison.OrdinalIgnoreCase))
                {
                    try
                    {
                        encoding = Encoding.GetEncoding(kv[1].Trim().Trim('"'));
                    }
                    catch (ArgumentException)
                    {
                        return false;
                    }
                }
            }
        }
        body = encoding.GetString(request.Body.Span);
        return true;
    }
}
