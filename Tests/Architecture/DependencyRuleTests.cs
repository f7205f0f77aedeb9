using System.Reflection;

namespace Bridge.Tests.Architecture;

/// <summary>
/// The layering rules of DEVELOPERS.md, checked over the compiled IL: Mapping knows no wire code,
/// Sip and Xmpp never reach each other, and only the front-ends and hosting touch Mapping.
/// </summary>
[TestClass]
public sealed class DependencyRuleTests
{
    private static readonly Assembly Service = typeof(Bridge.Net.StreamConnection).Assembly;
    private static readonly Assembly Mapping = typeof(Bridge.Mapping.AssemblyMarker).Assembly;

    [TestMethod]
    public void MappingReferencesNoWireCode()
    {
        var forbidden = new[] { "Bridge", "System.Xml", "System.Xml.ReaderWriter", "System.Private.Xml", "System.Private.Xml.Linq", "System.Xml.Linq", "System.Net.Sockets", "System.IO.Pipelines", "System.Net.Security" };
        var referenced = Mapping.GetReferencedAssemblies().Select(a => a.Name).ToList();
        foreach (var name in forbidden)
        {
            CollectionAssert.DoesNotContain(referenced, name, $"Mapping must not reference {name}");
        }
        var offenders = Mapping.GetTypes()
            .SelectMany(t => TypeReferenceScanner.ReferencedTypes(t).Select(r => (t, r)))
            .Where(p => p.r.Namespace is { } ns && (ns.StartsWith("System.Xml", StringComparison.Ordinal) || ns.StartsWith("System.Net.Sockets", StringComparison.Ordinal)))
            // IPAddress.AddressFamily is how an address says v4 or v6; it opens no socket.
            .Where(p => p.r != typeof(System.Net.Sockets.AddressFamily))
            .Select(p => $"{p.t.FullName} -> {p.r.FullName}")
            .Distinct()
            .ToList();
        Assert.IsEmpty(offenders, string.Join("\n", offenders));
    }

    [TestMethod]
    [DataRow("Bridge.Sip", "Bridge.Xmpp")]
    [DataRow("Bridge.Xmpp", "Bridge.Sip")]
    [DataRow("Bridge.Sip", "Bridge.Mapping")]
    [DataRow("Bridge.Xmpp", "Bridge.Mapping")]
    [DataRow("Bridge.Sip", "Bridge.FrontEnds")]
    [DataRow("Bridge.Xmpp", "Bridge.FrontEnds")]
    [DataRow("Bridge.Net", "Bridge.Mapping")]
    [DataRow("Bridge.FrontEnds.Sip", "Bridge.Xmpp")]
    [DataRow("Bridge.FrontEnds.Sip", "Bridge.FrontEnds.Xmpp")]
    [DataRow("Bridge.FrontEnds.Xmpp", "Bridge.Sip")]
    [DataRow("Bridge.FrontEnds.Xmpp", "Bridge.FrontEnds.Sip")]
    public void NamespaceNeverReferences(string from, string to)
    {
        var offenders = Offenders(from, to);
        Assert.IsEmpty(offenders, $"{from} must not reference {to}:\n{string.Join("\n", offenders)}");
    }

    /// <summary>Positive control: the scanner does see references, so the rules above can fail.</summary>
    [TestMethod]
    [DataRow("Bridge.FrontEnds.Xmpp", "Bridge.Xmpp")]
    [DataRow("Bridge.FrontEnds.Xmpp", "Bridge.Mapping")]
    [DataRow("Bridge.FrontEnds.Sip", "Bridge.Sip")]
    [DataRow("Bridge.FrontEnds.Sip", "Bridge.Mapping")]
    [DataRow("Bridge.Sip", "Bridge.Net")]
    [DataRow("Bridge.Xmpp", "Bridge.Net")]
    public void ScannerSeesRealDependencies(string from, string to)
    {
        Assert.IsNotEmpty(Offenders(from, to), $"expected {from} to use {to}; the scanner is blind if it does not");
    }

    private static List<string> Offenders(string from, string to) => Service.GetTypes()
        .Where(t => InNamespace(t, from))
        .SelectMany(t => TypeReferenceScanner.ReferencedTypes(t).Where(r => InNamespace(r, to)).Select(r => $"{t.FullName} -> {r.FullName}"))
        .Distinct()
        .ToList();

    private static bool InNamespace(Type t, string ns) =>
        t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));
}
