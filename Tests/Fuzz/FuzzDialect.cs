namespace Bridge.Tests.Fuzz;

/// <summary>Selects the structure-aware mutations on top of the byte-level ones.</summary>
internal enum FuzzDialect
{
    Sip,
    Xml,
}
