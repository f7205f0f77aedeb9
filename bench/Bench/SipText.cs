namespace Bridge.Bench;

/// <summary>Just enough SIP text handling for the synthetic peer: find a header, echo a request as 200.</summary>
internal static class SipText
{
    /// <summary>The first value of a header (full or compact name), trimmed; empty when absent.</summary>
    public static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> msg, ReadOnlySpan<byte> name, ReadOnlySpan<byte> compact)
    {
        var end = msg.IndexOf("\r\n\r\n"u8);
        var head = end < 0 ? msg : msg[..(end + 2)];
        var lineStart = head.IndexOf("\r\n"u8) + 2;
        while (lineStart > 1 && lineStart < head.Length)
        {
            var rel = head[lineStart..].IndexOf("\r\n"u8);
            if (rel < 0)
            {
                break;
            }
            var line = head.Slice(lineStart, rel);
            lineStart += rel + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var hname = line[..colon].TrimEnd((byte)' ');
            if (EqualsIgnoreCase(hname, name) || EqualsIgnoreCase(hname, compact))
            {
                return line[(colon + 1)..].Trim((byte)' ');
            }
        }
        return default;
    }

    /// <summary>RFC 3261 §8.2.6: a 200 that copies Via, From, To (adding a tag), Call-ID and CSeq; 0 when malformed.</summary>
    public static int Build200(ReadOnlySpan<byte> request, Span<byte> output) =>
        BuildResponse(request, output, "SIP/2.0 200 OK\r\n"u8, "bench"u8, default);

    /// <summary>
    /// A response with <paramref name="statusLine"/> (CRLF included) copying Via, From, To (adding
    /// <paramref name="toTag"/> when it has none), Call-ID and CSeq, then <paramref name="extraHeaders"/>
    /// (each ending in CRLF) and no body; 0 when malformed.
    /// </summary>
    public static int BuildResponse(ReadOnlySpan<byte> request, Span<byte> output, ReadOnlySpan<byte> statusLine, ReadOnlySpan<byte> toTag, ReadOnlySpan<byte> extraHeaders)
    {
        var end = request.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return 0;
        }
        var head = request[..(end + 2)];
        var n = Append(output, 0, statusLine);
        var lineStart = head.IndexOf("\r\n"u8) + 2;
        while (lineStart < head.Length)
        {
            var rel = head[lineStart..].IndexOf("\r\n"u8);
            var line = head.Slice(lineStart, rel);
            lineStart += rel + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var hname = line[..colon].TrimEnd((byte)' ');
            if (Is(hname, "Via"u8, "v"u8) || Is(hname, "From"u8, "f"u8) || Is(hname, "Call-ID"u8, "i"u8) || Is(hname, "CSeq"u8, default))
            {
                n = Append(output, n, line);
                n = Append(output, n, "\r\n"u8);
            }
            else if (Is(hname, "To"u8, "t"u8))
            {
                n = Append(output, n, line);
                if (line.IndexOf(";tag="u8) < 0)
                {
                    n = Append(output, n, ";tag="u8);
                    n = Append(output, n, toTag);
                }
                n = Append(output, n, "\r\n"u8);
            }
        }
        n = Append(output, n, extraHeaders);
        return Append(output, n, "Content-Length: 0\r\n\r\n"u8);
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> full, ReadOnlySpan<byte> compact) =>
        EqualsIgnoreCase(name, full) || (!compact.IsEmpty && EqualsIgnoreCase(name, compact));

    /// <summary>The request line's method and Request-URI ("SUBSCRIBE sip:p1@b.test SIP/2.0"); empty when malformed.</summary>
    public static ReadOnlySpan<byte> RequestUri(ReadOnlySpan<byte> msg)
    {
        var eol = msg.IndexOf("\r\n"u8);
        var line = eol < 0 ? msg : msg[..eol];
        var sp = line.IndexOf((byte)' ');
        if (sp < 0)
        {
            return default;
        }
        var rest = line[(sp + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        return sp2 < 0 ? default : rest[..sp2];
    }

    /// <summary>The value of ";<paramref name="name"/>=" in a header value (up to ';', ',' or the end); empty when absent.</summary>
    public static ReadOnlySpan<byte> Parameter(ReadOnlySpan<byte> value, ReadOnlySpan<byte> name)
    {
        var at = value.IndexOf(name);
        if (at < 0)
        {
            return default;
        }
        var rest = value[(at + name.Length)..];
        var end = rest.IndexOfAny((byte)';', (byte)',');
        return (end < 0 ? rest : rest[..end]).Trim((byte)' ');
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length || a.IsEmpty)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i] | 0x20) != (b[i] | 0x20))
            {
                return false;
            }
        }
        return true;
    }

    private static int Append(Span<byte> output, int at, ReadOnlySpan<byte> data)
    {
        data.CopyTo(output[at..]);
        return at + data.Length;
    }
}
