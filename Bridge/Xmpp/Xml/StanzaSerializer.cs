using System.Buffers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>
/// Writes stanzas and raw stream text as UTF-8 straight into a buffer. <c>XElement.ToString()</c> + UTF-8 cost a
/// StringWriter, a 12 KB char buffer and a string per stanza (14.5 KB); an XmlWriter onto UTF-8 bytes has a 6 KB
/// byte buffer and no string. The settings are the ones <c>ToString(DisableFormatting | OmitDuplicateNamespaces)</c>
/// uses, so the text is the same.
/// </summary>
public static class StanzaSerializer
{
    private static readonly XmlWriterSettings Settings = new()
    {
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Fragment,
        NamespaceHandling = NamespaceHandling.OmitDuplicates,
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        CloseOutput = false,
    };

    /// <summary>Writes <paramref name="element"/> as UTF-8 into <paramref name="output"/>.</summary>
    public static void Write(XElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = XmlWriter.Create(new BufferWriterStream(output), Settings);
        element.WriteTo(writer);
    }

    /// <summary>Write-only stream onto an <see cref="IBufferWriter{T}"/> (PipeWriter.AsStream would also flush).</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
