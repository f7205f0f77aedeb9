using System.Buffers;
using System.Globalization;
using System.Text;

namespace Bridge.Sip;

/// <summary>Writes SIP messages. Any Content-Length header in the message is replaced by the body's real length.</summary>
public static class SipSerializer
{
    public static void Write(SipMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var sb = new StringBuilder(256);
        switch (message)
        {
            case SipRequest request:
                sb.Append(request.Method).Append(' ').Append(request.RequestUri).Append(" SIP/2.0\r\n");
                break;
            case SipResponse response:
                sb.Append("SIP/2.0 ").Append(response.StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(response.ReasonPhrase).Append("\r\n");
                break;
            default:
                throw new ArgumentException("unknown message kind", nameof(message));
        }
        foreach (var (name, value) in message.Headers)
        {
            if (string.Equals(name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        sb.Append("Content-Length: ").Append(message.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = sb.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(head.Length));
        var written = Encoding.UTF8.GetBytes(head, span);
        output.Advance(written);
        if (!message.Body.IsEmpty)
        {
            output.Write(message.Body.Span);
        }
    }

    public static byte[] ToBytes(SipMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
