using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Xmpp.Xml;

/// <summary>
/// Incremental reader of an XMPP XML stream (RFC 6120 §4). A byte-level scanner finds the frame of each
/// top-level element (stream header, stanza, closing tag) and resumes where it stopped, so input may be
/// split at any byte; each complete frame is then parsed by <see cref="XmlReader"/> with DTDs prohibited
/// and no resolver, in the namespace context of the stream header.
/// RFC 6120 §11.1 restricted XML (comments, processing instructions other than the XML declaration,
/// DTDs and entity declarations) yields the stream error restricted-xml; oversize or overdeep stanzas
/// yield policy-violation; anything XmlReader rejects yields not-well-formed.
/// </summary>
public sealed class XmlStreamReader
{
    private enum Lex
    {
        Text,
        Lt,
        StartTag,
        QuoteDouble,
        QuoteSingle,
        EndTag,
        ProcessingInstruction,
        Bang,
        CdataOpen,
        Cdata,
    }

    private static readonly byte[] CdataMarker = "[CDATA["u8.ToArray();

    private readonly int _maxStanzaBytes;
    private readonly int _maxDepth;

    private Lex _lex;
    private int _depth;
    private long _scanned;
    private long _frameStart;
    private byte _prev;
    private int _match;
    private bool _done;
    private bool _pendingEnd;
    private string? _rootName;
    private XmlStreamHeader? _header;

    // Names of the open elements, so a mismatched end tag fails at once instead of skewing the framing.
    private readonly Stack<byte[]> _open = new();
    private readonly List<byte> _name = [];
    private bool _inName;

    public XmlStreamReader(int maxStanzaBytes, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStanzaBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        _maxStanzaBytes = maxStanzaBytes;
        _maxDepth = maxDepth;
        Reset();
    }

    /// <summary>The header of the current stream, once read.</summary>
    public XmlStreamHeader? Header => _header;

    /// <summary>Forgets the stream, for the restart after STARTTLS or SASL (RFC 6120 §5.4.3.3, §6.4.6).</summary>
    public void Reset()
    {
        _lex = Lex.Text;
        _depth = 0;
        _scanned = 0;
        _frameStart = -1;
        _prev = 0;
        _match = 0;
        _done = false;
        _pendingEnd = false;
        _rootName = null;
        _header = null;
        _open.Clear();
        _name.Clear();
        _inName = false;
    }

    /// <summary>
    /// Reads the next event from <paramref name="buffer"/>, which must start where the previous call left
    /// it. On return the buffer starts after what was consumed. False means more data is needed (or the
    /// stream already ended or failed).
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XmlStreamEvent? ev)
    {
        ev = null;
        if (_pendingEnd)
        {
            _pendingEnd = false;
            _done = true;
            ev = XmlStreamEvent.End;
            return true;
        }
        if (_done)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(_scanned);
        while (reader.TryRead(out var b))
        {
            var position = reader.Consumed - 1;
            if (_frameStart >= 0 && reader.Consumed - _frameStart > _maxStanzaBytes)
            {
                return Fail(out ev, "policy-violation", $"element larger than {_maxStanzaBytes} bytes");
            }
            switch (_lex)
            {
                case Lex.Text:
                    if (b == (byte)'<')
                    {
                        if (_frameStart < 0)
                        {
                            _frameStart = position;
                        }
                        _lex = Lex.Lt;
                    }
                    else if (_depth == 0 && _header is null && b is 0xFE or 0xFF or 0x00)
                    {
                        // A UTF-16 byte order mark, or UTF-16 text: RFC 6120 §11.6 allows UTF-8 only.
                        return Fail(out ev, "unsupported-encoding", "streams are UTF-8 (RFC 6120 §11.6)");
                    }
                    else if (_depth <= 1 && !IsInterElementByte(b))
                    {
                        return Fail(out ev, "not-well-formed", "character data outside a stanza");
                    }
                    break;

                case Lex.Lt:
                    switch (b)
                    {
                        case (byte)'/':
                            _lex = Lex.EndTag;
                            _name.Clear();
                            _inName = true;
                            break;
                        case (byte)'?':
                            if (_depth > 0 || _header is not null)
                            {
                                return Fail(out ev, "restricted-xml", "processing instructions are not allowed");
                            }
                            _lex = Lex.ProcessingInstruction;
                            _prev = 0;
                            break;
                        case (byte)'!':
                            _lex = Lex.Bang;
                            break;
                        default:
                            _lex = Lex.StartTag;
                            _prev = b;
                            _name.Clear();
                            _name.Add(b);
                            _inName = true;
                            break;
                    }
                    break;

                case Lex.Bang:
                    if (b != (byte)'[')
                    {
                        // <!-- comment -->, <!DOCTYPE ...>, <!ENTITY ...>: RFC 6120 §11.1.
                        return Fail(out ev, "restricted-xml", "comments and document type declarations are not allowed");
                    }
                    if (_depth < 2)
                    {
                        return Fail(out ev, "not-well-formed", "CDATA outside a stanza");
                    }
                    _lex = Lex.CdataOpen;
                    _match = 1;
                    break;

                case Lex.CdataOpen:
                    if (b != CdataMarker[_match])
                    {
                        return Fail(out ev, "not-well-formed", "bad CDATA section");
                    }
                    if (++_match == CdataMarker.Length)
                    {
                        _lex = Lex.Cdata;
                        _match = 0;
                    }
                    break;

                case Lex.Cdata:
                    if (b == (byte)']')
                    {
                        _match++;
                    }
                    else if (b == (byte)'>' && _match >= 2)
                    {
                        _lex = Lex.Text;
                        _match = 0;
                    }
                    else
                    {
                        _match = 0;
                    }
                    break;

                case Lex.ProcessingInstruction:
                    if (b == (byte)'>' && _prev == (byte)'?')
                    {
                        var declaration = buffer.Slice(_frameStart, reader.Consumed - _frameStart);
                        if (!XmlDeclaration.Is(declaration))
                        {
                            return Fail(out ev, "restricted-xml", "processing instructions are not allowed");
                        }
                        if (XmlDeclaration.UnsupportedEncoding(declaration) is { } encoding)
                        {
                            return Fail(out ev, "unsupported-encoding", $"encoding {encoding}: streams are UTF-8 (RFC 6120 §11.6)");
                        }
                        _lex = Lex.Text;
                        _frameStart = -1;
                    }
                    _prev = b;
                    break;

                case Lex.StartTag:
                    if (_inName)
                    {
                        if (IsNameEnd(b))
                        {
                            _inName = false;
                        }
                        else
                        {
                            _name.Add(b);
                        }
                    }
                    if (b == (byte)'"')
                    {
                        _lex = Lex.QuoteDouble;
                    }
                    else if (b == (byte)'\'')
                    {
                        _lex = Lex.QuoteSingle;
                    }
                    else if (b == (byte)'>')
                    {
                        _lex = Lex.Text;
                        if (CompleteStartTag(ref buffer, ref reader, _prev == (byte)'/', out ev))
                        {
                            return true;
                        }
                        if (_done)
                        {
                            return false;
                        }
                    }
                    else if (b == (byte)'<')
                    {
                        return Fail(out ev, "not-well-formed", "'<' inside a tag");
                    }
                    _prev = b;
                    break;

                case Lex.QuoteDouble:
                case Lex.QuoteSingle:
                    if (b == (_lex == Lex.QuoteDouble ? (byte)'"' : (byte)'\''))
                    {
                        _lex = Lex.StartTag;
                        _prev = b;
                    }
                    break;

                case Lex.EndTag:
                    if (_inName)
                    {
                        if (IsNameEnd(b))
                        {
                            _inName = false;
                        }
                        else
                        {
                            _name.Add(b);
                        }
                    }
                    if (b == (byte)'>')
                    {
                        _lex = Lex.Text;
                        if (CompleteEndTag(ref buffer, ref reader, out ev))
                        {
                            return true;
                        }
                        if (_done)
                        {
                            return false;
                        }
                    }
                    break;
            }
        }

        _scanned = reader.Consumed;
        if (_frameStart < 0)
        {
            // Between frames only whitespace (keep-alives) or a finished XML declaration was seen: drop it.
            buffer = buffer.Slice(_scanned);
            _scanned = 0;
        }
        return false;
    }

    private bool CompleteStartTag(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader, bool empty, out XmlStreamEvent? ev)
    {
        ev = null;
        if (!empty)
        {
            _open.Push([.. _name]);
        }
        if (_depth == 0)
        {
            var frame = TakeFrame(ref buffer, ref reader);
            ev = ParseHeader(frame, empty);
            if (ev.Kind == XmlStreamEventKind.Error)
            {
                _done = true;
            }
            else
            {
                _depth = 1;
                _pendingEnd = empty;
            }
            return true;
        }
        if (empty)
        {
            if (_depth == 1)
            {
                ev = ParseStanza(TakeFrame(ref buffer, ref reader));
                return true;
            }
            // An empty element sits one level below the open ones and never raises _depth, so it is checked here.
            if (_depth > _maxDepth)
            {
                Fail(out ev, "policy-violation", $"elements nested deeper than {_maxDepth}");
                return true;
            }
            return false;
        }
        _depth++;
        if (_depth - 1 > _maxDepth)
        {
            Fail(out ev, "policy-violation", $"elements nested deeper than {_maxDepth}");
            return true;
        }
        return false;
    }

    private bool CompleteEndTag(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader, out XmlStreamEvent? ev)
    {
        ev = null;
        if (_open.Count > 0 && !_open.Pop().AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_name)))
        {
            Fail(out ev, "not-well-formed", $"end tag </{Encoding.UTF8.GetString([.. _name])}> does not match its start tag");
            return true;
        }
        switch (_depth)
        {
            case 0:
                Fail(out ev, "not-well-formed", "closing tag before the stream header");
                return true;
            case 1:
                var name = EndTagName(TakeFrame(ref buffer, ref reader));
                _depth = 0;
                _done = true;
                ev = name == _rootName ? XmlStreamEvent.End : XmlStreamEvent.Fail("not-well-formed", $"closing tag </{name}> does not match the stream header");
                return true;
            case 2:
                _depth = 1;
                ev = ParseStanza(TakeFrame(ref buffer, ref reader));
                return true;
            default:
                _depth--;
                return false;
        }
    }

    /// <summary>Cuts the finished frame off the buffer and restarts scanning after it.</summary>
    private ReadOnlySequence<byte> TakeFrame(ref ReadOnlySequence<byte> buffer, ref SequenceReader<byte> reader)
    {
        var end = reader.Consumed;
        var frame = buffer.Slice(_frameStart, end - _frameStart);
        buffer = buffer.Slice(end);
        _frameStart = -1;
        _scanned = 0;
        return frame;
    }

    private bool Fail(out XmlStreamEvent? ev, string condition, string text)
    {
        _done = true;
        ev = XmlStreamEvent.Fail(condition, text);
        return true;
    }

    private XmlStreamEvent ParseHeader(ReadOnlySequence<byte> frame, bool empty)
    {
        var ev = XmlFrameParser.ParseHeader(frame, empty, out var rootName);
        if (ev.Header is { } header)
        {
            _rootName = rootName;
            _header = header;
        }
        return ev;
    }

    private XmlStreamEvent ParseStanza(ReadOnlySequence<byte> frame)
    {
        var ev = XmlFrameParser.ParseStanza(frame, _header!);
        if (ev.Kind == XmlStreamEventKind.Error)
        {
            _done = true;
        }
        return ev;
    }

    private static string EndTagName(ReadOnlySequence<byte> frame)
    {
        var text = Encoding.UTF8.GetString(frame);
        return text[2..^1].Trim();
    }

    private static bool IsNameEnd(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/' or (byte)'>';

    /// <summary>Whitespace keep-alives, and the UTF-8 byte order mark before the header.</summary>
    private bool IsInterElementByte(byte b) =>
        b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'
        || (_depth == 0 && b is 0xEF or 0xBB or 0xBF);
}
