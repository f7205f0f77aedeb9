namespace Bridge.Bench;

/// <summary>
/// A deliberately small framer for the XML the bridge writes: it finds the stream header, each top-level
/// element and the stream end by counting tags. It is enough for a peer that only talks to the bridge
/// (no comments, CDATA or '&gt;' inside attribute values, which XElement escapes), and it costs the
/// load generator far less CPU than a real parser would.
/// </summary>
internal static class XmlFramer
{
    public enum Kind
    {
        None,
        Header,
        Element,
        End,
    }

    /// <summary>Finds the next frame in <paramref name="data"/>; <paramref name="length"/> is its size in bytes.</summary>
    public static Kind Next(ReadOnlySpan<byte> data, out int start, out int length)
    {
        start = length = 0;
        var i = 0;
        while (true)
        {
            while (i < data.Length && data[i] != (byte)'<')
            {
                i++;
            }
            if (i + 1 >= data.Length)
            {
                return Kind.None;
            }
            if (data[i + 1] == (byte)'?')
            {
                var close = data[i..].IndexOf("?>"u8);
                if (close < 0)
                {
                    return Kind.None;
                }
                i += close + 2;
                continue;
            }
            break;
        }
        start = i;
        var rest = data[i..];
        if (rest.StartsWith("<stream:stream"u8))
        {
            var gt = rest.IndexOf((byte)'>');
            length = gt + 1;
            return gt < 0 ? Kind.None : Kind.Header;
        }
        if (rest.StartsWith("</stream:stream"u8))
        {
            var gt = rest.IndexOf((byte)'>');
            length = gt + 1;
            return gt < 0 ? Kind.None : Kind.End;
        }
        var depth = 0;
        var j = 0;
        while (j < rest.Length)
        {
            var lt = rest[j..].IndexOf((byte)'<');
            if (lt < 0)
            {
                return Kind.None;
            }
            j += lt;
            var gtRel = rest[j..].IndexOf((byte)'>');
            if (gtRel < 0)
            {
                return Kind.None;
            }
            var gt = j + gtRel;
            if (j + 1 < rest.Length && rest[j + 1] == (byte)'/')
            {
                depth--;
            }
            else if (rest[gt - 1] != (byte)'/')
            {
                depth++;
            }
            j = gt + 1;
            if (depth == 0)
            {
                length = j;
                return Kind.Element;
            }
        }
        return Kind.None;
    }

    /// <summary>The value of attribute <paramref name="name"/> (given as " name=") in an element's start tag.</summary>
    public static ReadOnlySpan<byte> Attribute(ReadOnlySpan<byte> element, ReadOnlySpan<byte> name)
    {
        var tagEnd = element.IndexOf((byte)'>');
        var tag = tagEnd < 0 ? element : element[..tagEnd];
        var at = tag.IndexOf(name);
        if (at < 0 || at + name.Length >= tag.Length)
        {
            return default;
        }
        var quote = tag[at + name.Length];
        var value = tag[(at + name.Length + 1)..];
        var end = value.IndexOf(quote);
        return end < 0 ? default : value[..end];
    }

    /// <summary>The text content of the first child named by <paramref name="open"/> (e.g. "&lt;body").</summary>
    public static ReadOnlySpan<byte> ChildText(ReadOnlySpan<byte> element, ReadOnlySpan<byte> open)
    {
        var at = element.IndexOf(open);
        if (at < 0)
        {
            return default;
        }
        var content = element[at..];
        var gt = content.IndexOf((byte)'>');
        if (gt < 0 || content[gt - 1] == (byte)'/')
        {
            return default;
        }
        content = content[(gt + 1)..];
        var lt = content.IndexOf((byte)'<');
        return lt < 0 ? default : content[..lt];
    }

    public static bool IsNamed(ReadOnlySpan<byte> element, ReadOnlySpan<byte> prefixedName) =>
        element.Length > prefixedName.Length + 1 && element[1..].StartsWith(prefixedName)
        && element[prefixedName.Length + 1] is (byte)' ' or (byte)'>' or (byte)'/';
}
