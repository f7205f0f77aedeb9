using System.Buffers;
using System.Text;
using Bridge.FrontEnds.Sip;
using Bridge.Mapping.Addresses;
using Bridge.Sip;

namespace Bridge.Tests.Fuzz;

/// <summary>
/// Properties of <see cref="SipParser"/> on any bytes: the status is a declared value and an error text comes
/// with every refusal; a Complete message respects the limits and serializes to bytes that parse back to the same
/// serialization; the datagram parse does not depend on how the buffer is segmented; the stream parse gives the
/// same messages whether the bytes arrive whole or in random chunks. Whatever was parsed is then handed to the
/// header parsers, the address mapping and the MESSAGE translator, which must not throw.
/// </summary>
internal sealed class SipFuzzTarget : IFuzzTarget
{
    private static readonly SipParserLimits Generous = new(MaxMessageBytes: int.MaxValue / 2, MaxHeaderCount: 1 << 20, MaxLineLength: int.MaxValue / 2);
    private static readonly SipParserLimits Default = new();
    private static readonly SipParserLimits Small = new(MaxMessageBytes: 1500, MaxHeaderCount: 24, MaxLineLength: 256);

    public SipFuzzTarget(IReadOnlyList<byte[]> corpus) => Corpus = corpus;

    public string Name => "sip";

    public FuzzDialect Dialect => FuzzDialect.Sip;

    public IReadOnlyList<byte[]> Corpus { get; }

    public void Check(byte[] input, Random rng)
    {
        var limits = rng.Next(3) == 0 ? Small : Default;
        CheckDatagram(input, limits, rng);
        var whole = ParseStream(input, limits, [input.Length], null);
        var split = ParseStream(input, limits, FuzzSequences.ChunkEnds(input.Length, rng), rng);
        if (!whole.SequenceEqual(split))
        {
            throw new FuzzPropertyException($"stream parse differs when split:\n whole: {string.Join(" | ", whole)}\n split: {string.Join(" | ", split)}");
        }
    }

    private static void CheckDatagram(byte[] input, SipParserLimits limits, Random rng)
    {
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(input), limits, out var message, out var error);
        var description = Describe(status, message, error, input, limits);
        if (status == SipParseStatus.Complete)
        {
            FuzzPropertyException.Require(input.Length <= limits.MaxMessageBytes, $"datagram of {input.Length} bytes accepted over MaxMessageBytes {limits.MaxMessageBytes}");
            CheckRoundTrip(message!);
        }
        var again = SipParser.ParseDatagram(FuzzSequences.Slice(input, 0, input.Length, rng), limits, out var message2, out var error2);
        var description2 = Describe(again, message2, error2, input, limits);
        FuzzPropertyException.Require(description == description2, $"datagram parse depends on segmentation: {description} vs {description2}");
        if (message is not null)
        {
            UseParsed(message);
        }
    }

    /// <summary>Feeds the bytes as a pipe would: after each chunk, parse until NeedMoreData; stop at the first refusal.</summary>
    private static List<string> ParseStream(byte[] input, SipParserLimits limits, int[] chunkEnds, Random? rng)
    {
        var results = new List<string>();
        var start = 0;
        foreach (var end in chunkEnds)
        {
            while (true)
            {
                var reader = new SequenceReader<byte>(FuzzSequences.Slice(input, start, end, rng));
                var status = SipParser.TryParse(ref reader, limits, out var message, out var error);
                var consumed = (int)reader.Consumed;
                if (status == SipParseStatus.NeedMoreData)
                {
                    FuzzPropertyException.Require(message is null && error is null, $"NeedMoreData with a message or an error: {error}");
                    FuzzPropertyException.Require(input.AsSpan(start, consumed).IndexOfAnyExcept("\r\n"u8) < 0, "NeedMoreData consumed more than keep-alives");
                    start += consumed;
                    break;
                }
                var describe = Describe(status, message, error, input, limits);
                if (status != SipParseStatus.Complete)
                {
                    results.Add(describe);
                    return results;
                }
                var keepAlives = input.AsSpan(start, consumed).IndexOfAnyExcept("\r\n"u8);
                FuzzPropertyException.Require(keepAlives >= 0, "Complete without consuming a message");
                var size = consumed - keepAlives;
                FuzzPropertyException.Require(size <= limits.MaxMessageBytes, $"stream message of {size} bytes accepted over MaxMessageBytes {limits.MaxMessageBytes}");
                CheckRoundTrip(message!);
                UseParsed(message!);
                start += consumed;
                results.Add($"{describe} end={start}");
            }
        }
        results.Add($"left={input.Length - start}");
        return results;
    }

    private static string Describe(SipParseStatus status, SipMessage? message, string? error, byte[] input, SipParserLimits limits)
    {
        FuzzPropertyException.Require(Enum.IsDefined(status), $"status {(int)status} is not a SipParseStatus");
        if (status == SipParseStatus.Complete)
        {
            FuzzPropertyException.Require(message is not null && error is null, $"Complete without a message or with an error: {error}");
            FuzzPropertyException.Require(message!.Headers.Count <= limits.MaxHeaderCount, $"{message.Headers.Count} headers accepted over MaxHeaderCount {limits.MaxHeaderCount}");
            foreach (var (name, value) in message.Headers)
            {
                FuzzPropertyException.Require(value.Length <= limits.MaxLineLength, $"header {name} of {value.Length} chars accepted over MaxLineLength {limits.MaxLineLength}");
            }
            FuzzPropertyException.Require(message.Body.Length <= input.Length, "body longer than the input");
        }
        else
        {
            FuzzPropertyException.Require(!string.IsNullOrEmpty(error), $"{status} without an error text");
        }
        var serialized = message is null ? "-" : Convert.ToBase64String(SipSerializer.ToBytes(message));
        return $"{status}:{error}:{serialized}";
    }

    /// <summary>serialize(parse(serialize(m))) == serialize(m), and the serialization frames exactly on a stream.</summary>
    private static void CheckRoundTrip(SipMessage message)
    {
        var first = SipSerializer.ToBytes(message);
        var status = SipParser.ParseDatagram(new ReadOnlySequence<byte>(first), Generous, out var reparsed, out var error);
        FuzzPropertyException.Require(status == SipParseStatus.Complete, $"serialized message does not parse back: {status} {error}\n{Encoding.UTF8.GetString(first)}");
        var second = SipSerializer.ToBytes(reparsed!);
        FuzzPropertyException.Require(first.AsSpan().SequenceEqual(second), $"serialization not stable:\n{Encoding.UTF8.GetString(first)}\n---\n{Encoding.UTF8.GetString(second)}");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first));
        var streamStatus = SipParser.TryParse(ref reader, Generous, out _, out var streamError);
        FuzzPropertyException.Require(streamStatus == SipParseStatus.Complete && reader.Consumed == first.Length, $"serialized message does not frame on a stream: {streamStatus} {streamError}");
    }

    /// <summary>What the stack does with a parsed message, also with a refused one (it still answers from its headers).</summary>
    private static void UseParsed(SipMessage message)
    {
        _ = message.From;
        _ = message.To;
        _ = message.TopVia;
        _ = message.CSeqNumber;
        _ = message.CSeqMethod;
        foreach (var via in message.Headers.GetAllSplit(SipHeaderNames.Via))
        {
            if (SipVia.TryParse(via, out var parsed))
            {
                var text = parsed.ToString();
                FuzzPropertyException.Require(SipVia.TryParse(text, out var again) && again.ToString() == text, $"Via '{via}' prints as '{text}' which does not parse back the same");
            }
        }
        foreach (var contact in message.Headers.GetAllSplit("Contact"))
        {
            CheckNameAddr(contact);
        }
        CheckNameAddr(message.Headers[SipHeaderNames.From]);
        CheckNameAddr(message.Headers[SipHeaderNames.To]);
        if (message is SipRequest request)
        {
            CheckUri(request.RequestUri);
            if (request.Method == "MESSAGE")
            {
                _ = SipMessageTranslator.FromSip(request, "fuzz");
            }
        }
    }

    private static void CheckNameAddr(string? value)
    {
        if (value is null || !SipNameAddr.TryParse(value, out var nameAddr))
        {
            return;
        }
        var text = nameAddr.ToString();
        FuzzPropertyException.Require(SipNameAddr.TryParse(text, out var again) && again.ToString() == text, $"name-addr '{value}' prints as '{text}' which does not parse back the same");
        CheckUri(nameAddr.Uri);
    }

    private static void CheckUri(string uri)
    {
        if (SipUri.TryParse(uri, out var sipUri))
        {
            var text = sipUri.ToString();
            FuzzPropertyException.Require(SipUri.TryParse(text, out var again) && again.ToString() == text, $"URI '{uri}' prints as '{text}' which does not parse back the same");
        }
        if (SipAddressMapping.TryFromSip(uri, out var address))
        {
            var back = SipAddressMapping.ToSip(address);
            FuzzPropertyException.Require(SipAddressMapping.TryFromSip(back, out var again) && again == address, $"address {address} from '{uri}' maps to '{back}' which does not map back");
            // XMPP case-folds the localpart (RFC 7622 §3.3), so the way back is compared folded.
            if (XmppAddressMapping.TryToXmpp(address, out var jid))
            {
                FuzzPropertyException.Require(XmppAddressMapping.TryFromXmpp(jid, out var fromJid) && fromJid == address with { Local = address.Local?.ToLowerInvariant() }, $"address {address} from '{uri}' maps to JID '{jid}' which does not map back");
            }
        }
    }
}
