using System.Diagnostics.CodeAnalysis;

namespace Bridge.Sip.Simple;

/// <summary>The outcome of <see cref="PidfParser.Parse"/>: a document or a reason it was refused.</summary>
public sealed record PidfParseResult(PidfDocument? Document, string? Error)
{
    [MemberNotNullWhen(true, nameof(Document))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Document is not null;

    public static PidfParseResult Ok(PidfDocument document) => new(document, null);

    public static PidfParseResult Fail(string error) => new(null, error);
}
