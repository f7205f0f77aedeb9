using System.Text;
using Bridge.Sip.Simple;

namespace Bridge.Tests.Sip.Simple;

/// <summary>RFC 5025 pres-rules documents (RFC 4745 common-policy): what the reader keeps.</summary>
[TestClass]
public sealed class PresRulesParserTests
{
    private const string Document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
          <cr:rule id="friends">
            <cr:conditions>
              <cr:identity>
                <cr:one id="sip:alice@a.test"/>
                <cr:many domain="a.test"><cr:except id="sip:eve@a.test"/></cr:many>
              </cr:identity>
            </cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
            <cr:transformations>
              <pr:provide-note>true</pr:provide-note>
              <pr:provide-activities>false</pr:provide-activities>
            </cr:transformations>
          </cr:rule>
          <cr:rule id="everyone">
            <cr:actions><pr:sub-handling>polite-block</pr:sub-handling></cr:actions>
          </cr:rule>
          <cr:rule id="office-hours">
            <cr:conditions><cr:validity><cr:from>2026-01-01T08:00:00Z</cr:from><cr:until>2026-01-01T17:00:00Z</cr:until></cr:validity></cr:conditions>
            <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
          </cr:rule>
        </cr:ruleset>
        """;

    [TestMethod]
    public void Rules_are_read_with_identity_actions_and_transformations()
    {
        Assert.IsTrue(PresRulesParser.TryParse(Encoding.UTF8.GetBytes(Document), out var rules, out var error), error);
        Assert.HasCount(2, rules, "a rule with a condition the bridge cannot check (validity) never applies, so it is not kept");
        var friends = rules[0];
        Assert.AreEqual("friends", friends.Id);
        Assert.IsTrue(friends.HasIdentityCondition);
        CollectionAssert.AreEqual(new[] { "sip:alice@a.test" }, friends.OneIds.ToArray());
        CollectionAssert.AreEqual(new[] { "a.test" }, friends.ManyDomains.ToArray());
        CollectionAssert.AreEqual(new[] { "sip:eve@a.test" }, friends.ExceptIds.ToArray());
        Assert.AreEqual("allow", friends.SubHandling);
        Assert.IsTrue(friends.ProvideNote);
        Assert.IsFalse(friends.ProvideActivities);
        Assert.IsFalse(rules[1].HasIdentityCondition);
        Assert.AreEqual("polite-block", rules[1].SubHandling);
    }

    [TestMethod]
    [DataRow("<ruleset/>", "root")]
    [DataRow("<!DOCTYPE r [<!ENTITY x 'y'>]><cr:ruleset xmlns:cr='urn:ietf:params:xml:ns:common-policy'/>", "malformed")]
    [DataRow("<cr:ruleset xmlns:cr='urn:ietf:params:xml:ns:common-policy'>", "malformed")]
    public void Bad_documents_are_refused(string text, string reason)
    {
        Assert.IsFalse(PresRulesParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Contains(reason, error!);
    }
}
