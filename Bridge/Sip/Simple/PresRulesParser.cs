using System.Collections.Immutable;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Sip.Simple;

/// <summary>
/// Reads RFC 5025 pres-rules documents (RFC 4745 common-policy rule sets). Conditions other than identity
/// (sphere, validity) make a rule never apply: the bridge cannot evaluate them, and a permission it cannot check
/// must not be granted (RFC 4745 §10.1: unknown conditions evaluate to false). DTDs are refused.
/// </summary>
public static class PresRulesParser
{
    public const string CommonPolicy = "urn:ietf:params:xml:ns:common-policy";
    public const string PresRules = "urn:ietf:params:xml:ns:pres-rules";

    private static readonly XNamespace Cr = CommonPolicy;
    private static readonly XNamespace Pr = PresRules;

    public static bool TryParse(ReadOnlySpan<byte> document, out ImmutableArray<PresRule> rules, out string? error)
    {
        rules = [];
        if (!SafeXml.TryLoad(document, 1024 * 1024, "pres-rules document", out var root, out error))
        {
            return false;
        }
        if (root.Name != Cr + "ruleset")
        {
            error = $"root is {root.Name}, not {{{CommonPolicy}}}ruleset";
            return false;
        }
        var builder = ImmutableArray.CreateBuilder<PresRule>();
        foreach (var rule in root.Elements(Cr + "rule"))
        {
            var conditions = rule.Element(Cr + "conditions");
            if (conditions?.Elements().Any(c => c.Name != Cr + "identity") == true)
            {
                continue; // sphere, validity or an extension: cannot be checked here, so the rule never applies
            }
            var identity = conditions?.Element(Cr + "identity");
            var many = identity?.Elements(Cr + "many").ToList() ?? [];
            var transformations = rule.Element(Cr + "transformations");
            builder.Add(new PresRule(
                (string?)rule.Attribute("id") ?? "",
                identity is not null,
                [.. identity?.Elements(Cr + "one").Select(o => (string?)o.Attribute("id")).OfType<string>() ?? []],
                [.. many.Select(m => (string?)m.Attribute("domain") ?? "*")],
                [.. many.SelectMany(m => m.Elements(Cr + "except")).Select(x => (string?)x.Attribute("id")).OfType<string>()],
                rule.Element(Cr + "actions")?.Element(Pr + "sub-handling")?.Value.Trim(),
                IsTrue(transformations?.Element(Pr + "provide-note")),
                IsTrue(transformations?.Element(Pr + "provide-activities"))));
        }
        rules = builder.ToImmutable();
        error = null;
        return true;
    }

    private static bool IsTrue(XElement? element) => element?.Value.Trim() is "true" or "1";
}
