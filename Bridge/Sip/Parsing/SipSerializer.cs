using System.Buffers;
using System.Globalization;
using System.Text;

namespace Bridge.Sip;

/// <summary>Writes SIP messages. Any Content-Length header in the message is replaced by the body's real length.</summary>
public static class SipSerializer
{
    /// <summary>
    /// Encodes each piece straight into <paramref name="output"/>: no StringBuilder, no intermediate string (the old
    /// way allocated the head three times per message).
    /// </summary>
    public static void Write(SipMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        switch (message)
        {
            case SipRequest request:
                Put(output, request.Method);
                output.Write(" "u8);
                Put(output, request.RequestUri);
                output.Write(" SIP/2.0\r\n"u8);
                break;
            case SipResponse response:
                output.Write("SIP/2.0 "u8);
                PutNumber(output, response.StatusCode);
                output.Write(" "u8);
                Put(output, response.ReasonPhrase);
                output.Write("\r\n"u8);
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
            Put(output, name);
            output.Write(": "u8);
            Put(output, value);
            output.Write("\r\n"u8);
        }
        output.Write("Content-Length: "u8);
        PutNumber(output, message.Body.Length);
        output.Write("\r\n\r\n"u8);
        if (!message.Body.IsEmpty)
        {
            output.Write(message.Body.Span);
        }
    }

    public static byte[] ToBytes(SipMessage message)
    {
        // Only the exact-size result is allocated; the working buffer is pooled.
        using var buffer = new Bridge.Net.PooledBufferWriter();
        Write(message, buffer);
        return buffer.WrittenMemory.ToArray();
    }

    private static void Put(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void PutNumber(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(11);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("an int did not fit in 11 bytes");
        }
        output.Advance(written);
    }
}
