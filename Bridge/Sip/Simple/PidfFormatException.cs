namespace Bridge.Sip.Simple;

/// <summary>Internal signal of a well-formed but invalid PIDF document; <see cref="PidfParser"/> turns it into an error result.</summary>
internal sealed class PidfFormatException(string message) : Exception(message);
