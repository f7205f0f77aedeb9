using System.Buffers;
using System.Globalization;
using System.Text;

namespace Bridge.Sip;

/// <summary>
/// Stateless SIP message parser (RFC 3261 §7, §18.3). It never does I/O; the caller owns the buffer.
/// On <see cref="SipParseStatus.Invalid"/> or <see cref="SipParseStatus.TooLarge"/> the out message, when not
/// null, holds what could be read (start line and headers) so the caller can still answer 400 or 513.
/// </summary>
public static class SipParser
{
    /// <summary>The error text for a SIP-Version other than 2.0; a server answers it with 505 (RFC 3261 §8.2.2... §21.5.20).</summary>
    public const string VersionNotSupportedError = "SIP version not supported";

    /// <summary>
    /// The error for more header fields than <see cref="SipParserLimits.MaxHeaderCount"/>. RFC 3261 has no code for it
    /// (513 is about the message length, §21.5.7), so it is a 400 whose reason phrase names the problem (§21.4.1).
    /// </summary>
    public const string TooManyHeadersError = "Too Many Header Fields";

    /// <summary>The error for a header line longer than <see cref="SipParserLimits.MaxLineLength"/>; answered 400 like <see cref="TooManyHeadersError"/>.</summary>
    public const string LineTooLongError = "Header Line Too Long";

    private static ReadOnlySpan<byte> EndOfHeaders => "\r\n\r\n"u8;

    /// <summary>
    /// Stream framing (TCP/TLS): reads one message and its body using Content-Length, which is required on
    /// streams (RFC 3261 §18.3). Leading CRLFs (keep-alives) are skipped. On <see cref="SipParseStatus.NeedMoreData"/>
    /// the reader is left after any skipped keep-alives and nothing else is consumed.
    /// </summary>
    public static SipParseStatus TryParse(ref SequenceReader<byte> reader, SipParserLimits limits, out SipMessage? message, out string? error) =>
        TryParse(ref reader, limits, out message, out error, out _);

    /// <param name="framed">True when the reader was moved past the whole message, so the stream can go on after an Invalid one.</param>
    internal static SipParseStatus TryParse(ref SequenceReader<byte> reader, SipParserLimits limits, out SipMessage? message, out string? error, out bool framed)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = null;
        error = null;
        framed = false;
        while (reader.TryPeek(out var b) && b is (byte)'\r' or (byte)'\n')
        {
            reader.Advance(1);
        }
        if (reader.End)
        {
            return SipParseStatus.NeedMoreData;
        }
        var probe = reader;
        if (!probe.TryReadTo(out ReadOnlySequence<byte> head, EndOfHeaders, advancePastDelimiter: true))
        {
            if (reader.Remaining > limits.MaxMessageBytes)
            {
                error = "header section exceeds the message size limit";
                message = PartialHead(reader.UnreadSequence, limits);
                return SipParseStatus.TooLarge;
            }
            return SipParseStatus.NeedMoreData;
        }
        if (head.Length + EndOfHeaders.Length > limits.MaxMessageBytes)
        {
            // The same partial head as when the end of the header section has not arrived yet, so the
            // outcome does not depend on how the bytes were split into reads.
            error = "header section exceeds the message size limit";
            message = PartialHead(reader.UnreadSequence, limits);
            return SipParseStatus.TooLarge;
        }
        var headStatus = ParseHead(head, limits, out message, out error);
        if (headStatus != SipParseStatus.Complete)
        {
            return headStatus;
        }
        var clText = message!.Headers[SipHeaderNames.ContentLength];
        if (clText is null)
        {
            error = "Content-Length is required on stream transports";
            return SipParseStatus.Invalid;
        }
        if (!TryParseContentLength(clText, out var contentLength))
        {
            error = "Invalid Content-Length";
            return SipParseStatus.Invalid;
        }
        if (head.Length + EndOfHeaders.Length + contentLength > limits.MaxMessageBytes)
        {
            error = "message exceeds the size limit";
            return SipParseStatus.TooLarge;
        }
        if (probe.Remaining < contentLength)
        {
            message = null;
            error = null;
            return SipParseStatus.NeedMoreData;
        }
        message.Body = probe.UnreadSequence.Slice(0, contentLength).ToArray();
        probe.Advance(contentLength);
        reader = probe;
        framed = true;
        error ??= Validate(message);
        return error is null ? SipParseStatus.Complete : SipParseStatus.Invalid;
    }

    /// <summary>
    /// Datagram (UDP): the whole datagram is one message. Content-Length is optional; when present it must not
    /// exceed the bytes left and octets after the body are ignored (RFC 3261 §18.3, RFC 4475 §3.1.1.8).
    /// </summary>
    public static SipParseStatus ParseDatagram(ReadOnlySequence<byte> datagram, SipParserLimits limits, out SipMessage? message, out string? error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = null;
        error = null;
        var reader = new SequenceReader<byte>(datagram);
        while (reader.TryPeek(out var b) && b is (byte)'\r' or (byte)'\n')
        {
            reader.Advance(1);
        }
        if (reader.End)
        {
            error = "empty datagram";
            return SipParseStatus.Invalid;
        }
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHeaders, advancePastDelimiter: true))
        {
            if (datagram.Length > limits.MaxMessageBytes)
            {
                error = "message exceeds the size limit";
                message = PartialHead(reader.UnreadSequence, limits);
                return SipParseStatus.TooLarge;
            }
            error = "no end of header section";
            return SipParseStatus.Invalid;
        }
        var headStatus = ParseHead(head, limits, out message, out error);
        if (headStatus != SipParseStatus.Complete)
        {
            return headStatus;
        }
        if (datagram.Length > limits.MaxMessageBytes)
        {
            error = "message exceeds the size limit";
            return SipParseStatus.TooLarge;
        }
        var clText = message!.Headers[SipHeaderNames.ContentLength];
        long bodyLength = reader.Remaining;
        if (clText is not null)
        {
            if (!TryParseContentLength(clText, out var contentLength))
            {
                error = "Invalid Content-Length";
                return SipParseStatus.Invalid;
            }
            if (contentLength > reader.Remaining)
            {
                // RFC 4475 §3.1.2.2 clerr: on UDP this is an error, not a wait for more data.
                error = "Content-Length larger than the datagram";
                return SipParseStatus.Invalid;
            }
            bodyLength = contentLength;
        }
        message.Body = reader.UnreadSequence.Slice(0, bodyLength).ToArray();
        error ??= Validate(message);
        return error is null ? SipParseStatus.Complete : SipParseStatus.Invalid;
    }

    /// <summary>
    /// The start line and the complete header lines within the first MaxMessageBytes of an oversize message, so
    /// that a 513 can still be routed back (RFC 3261 §18.3: "SHOULD ... 513"); null when not even that much parses.
    /// </summary>
    private static SipMessage? PartialHead(ReadOnlySequence<byte> data, SipParserLimits limits)
    {
        var window = data.Slice(0, Math.Min(data.Length, limits.MaxMessageBytes)).ToArray();
        var lastLineEnd = window.AsSpan().LastIndexOf("\r\n"u8);
        if (lastLineEnd <= 0)
        {
            return null;
        }
        ParseHead(new ReadOnlySequence<byte>(window, 0, lastLineEnd), limits, out var message, out _);
        return message;
    }

    private static bool TryParseContentLength(string text, out int length)
    {
        var s = text.AsSpan().Trim();
        length = 0;
        if (s.IsEmpty || s.Length > 9)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out length);
    }

    /// <summary>
    /// Parses the start line and the header lines (unfolding continuation lines, RFC 3261 §7.3.1).
    /// Returns Complete when a message object could be built, even if <paramref name="error"/> reports a fault.
    /// </summary>
    private static SipParseStatus ParseHead(ReadOnlySequence<byte> head, SipParserLimits limits, out SipMessage? message, out string? error)
    {
        message = null;
        error = null;
        var text = Encoding.UTF8.GetString(head);
        var lines = text.Split("\r\n");
        message = ParseStartLine(lines[0], out error);
        if (message is null)
        {
            return SipParseStatus.Invalid;
        }
        string? name = null;
        StringBuilder? value = null;
        var count = 0;
        for (var i = 1; i <= lines.Length; i++)
        {
            var line = i < lines.Length ? lines[i] : null;
            if (line is not null && line.Length > 0 && line[0] is ' ' or '\t')
            {
                if (value is null)
                {
                    error ??= "continuation line without a header";
                    continue;
                }
                value.Append(' ').Append(line.AsSpan().Trim());
                if (value.Length > limits.MaxLineLength)
                {
                    error = LineTooLongError;
                    return SipParseStatus.TooLarge;
                }
                continue;
            }
            if (name is not null)
            {
                if (++count > limits.MaxHeaderCount)
                {
                    error = TooManyHeadersError;
                    return SipParseStatus.TooLarge;
                }
                message.Headers.Add(name, value!.ToString().Trim());
                name = null;
                value = null;
            }
            if (line is null)
            {
                break;
            }
            if (line.Length > limits.MaxLineLength)
            {
                // Checked after the previous field was kept, so a 400 can still be routed with the fields before it.
                error = LineTooLongError;
                return SipParseStatus.TooLarge;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var headerName = colon > 0 ? line.AsSpan(0, colon).TrimEnd(" \t") : default;
            if (colon <= 0 || !SipSyntax.IsToken(headerName))
            {
                error ??= "malformed header line";
                continue;
            }
            name = headerName.ToString();
            value = new StringBuilder(line.Length).Append(line.AsSpan(colon + 1).Trim());
        }
        return SipParseStatus.Complete;
    }

    private static SipMessage? ParseStartLine(string line, out string? error)
    {
        error = null;
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || parts[1].Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 699)
            {
                error = "Invalid Status-Line";
                return null;
            }
            if (!parts[0].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
            {
                error = VersionNotSupportedError;
                return null;
            }
            // COMPAT: RFC 4475 §3.1.1.13 noreason, an empty reason phrase (with or without the SP) is accepted.
            return new SipResponse(code, parts.Length > 2 ? parts[2] : string.Empty);
        }

        // Request-Line = Method SP Request-URI SP SIP-Version: exactly single spaces, no trailing ones
        // (RFC 4475 §3.1.2.8 lwsruri, §3.1.2.9 lwsstart, §3.1.2.10 trws are invalid).
        var fields = line.Split(' ');
        var firstSpace = line.IndexOf(' ', StringComparison.Ordinal);
        if (firstSpace <= 0 || !SipSyntax.IsToken(line.AsSpan(0, firstSpace)))
        {
            error = "Invalid Request-Line";
            return null;
        }
        if (fields.Length != 3 || fields[1].Length == 0 || fields[2].Length == 0)
        {
            // Keep a request object so a 400 can still be built from the headers.
            error = "Invalid Request-Line";
            var rest = line[(firstSpace + 1)..].Trim();
            return new SipRequest(fields[0], rest.Length == 0 ? "invalid:" : rest);
        }
        var request = new SipRequest(fields[0], fields[1]);
        if (!fields[2].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            error = fields[2].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase) ? VersionNotSupportedError : "Invalid Request-Line";
        }
        return request;
    }

    /// <summary>Checks the fields every request and response needs (RFC 3261 §8.1.1, §8.2.2). Returns the first fault or null.</summary>
    internal static string? Validate(SipMessage message)
    {
        if (message is SipRequest request)
        {
            var uri = request.RequestUri;
            if (uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
            {
                if (!SipUri.TryParse(uri, out var sipUri))
                {
                    return "Invalid Request-URI";
                }
                if (sipUri.Headers is not null)
                {
                    // RFC 4475 §3.1.2.11 escruri: rejected rather than silently dropping the headers.
                    return "Request-URI must not contain headers";
                }
            }
            else if (!SipSyntax.IsAbsoluteUri(uri))
            {
                return "Invalid Request-URI";
            }
        }
        var headers = message.Headers;
        foreach (var required in (string[])[SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            if (headers[required] is null)
            {
                return $"Missing {required}";
            }
        }
        if (!SipMessage.TryParseCSeq(headers[SipHeaderNames.CSeq], out _, out var cseqMethod))
        {
            return "Invalid CSeq";
        }
        if (message is SipRequest r && !string.Equals(cseqMethod, r.Method, StringComparison.Ordinal))
        {
            return "CSeq method mismatch";
        }
        var callId = headers[SipHeaderNames.CallId]!;
        if (callId.Length == 0 || callId.AsSpan().IndexOfAny(" \t") >= 0)
        {
            return "Invalid Call-ID";
        }
        if (headers[SipHeaderNames.MaxForwards] is { } mf
            && (mf.Length is 0 or > 10 || !mf.All(char.IsAsciiDigit) || int.Parse(mf, NumberStyles.None, CultureInfo.InvariantCulture) > 255))
        {
            return "Invalid Max-Forwards";
        }
        if (headers.GetAll(SipHeaderNames.From).Count != 1 || !SipNameAddr.TryParse(headers[SipHeaderNames.From]!, out _))
        {
            return "Invalid From";
        }
        if (headers.GetAll(SipHeaderNames.To).Count != 1 || !SipNameAddr.TryParse(headers[SipHeaderNames.To]!, out _))
        {
            return "Invalid To";
        }
        foreach (var via in headers.GetAllSplit(SipHeaderNames.Via))
        {
            if (!SipVia.TryParse(via, out _))
            {
                return "Invalid Via";
            }
        }
        return null;
    }
}
