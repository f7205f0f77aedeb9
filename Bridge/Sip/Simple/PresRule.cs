using System.Collections.Immutable;

namespace Bridge.Sip.Simple;

/// <summary>
/// One &lt;cr:rule&gt; of an RFC 5025 pres-rules document as written: identity conditions (&lt;one id&gt;,
/// &lt;many domain&gt; with &lt;except id&gt;), the sub-handling action and the note/activities transformations.
/// </summary>
/// <param name="Id">The rule id.</param>
/// <param name="HasIdentityCondition">False when the rule has no &lt;identity&gt; (it then applies to everyone).</param>
/// <param name="OneIds">URIs of &lt;one id&gt;.</param>
/// <param name="ManyDomains">Domains of &lt;many domain&gt;; "*" for &lt;many&gt; without a domain.</param>
/// <param name="ExceptIds">URIs of &lt;except id&gt; inside &lt;many&gt;.</param>
/// <param name="SubHandling">"block", "confirm", "polite-block" or "allow"; null when absent.</param>
/// <param name="ProvideNote">&lt;pr:provide-note&gt;true&lt;/pr:provide-note&gt;.</param>
/// <param name="ProvideActivities">&lt;pr:provide-activities&gt;true&lt;/pr:provide-activities&gt;.</param>
public sealed record PresRule(
    string Id,
    bool HasIdentityCondition,
    ImmutableArray<string> OneIds,
    ImmutableArray<string> ManyDomains,
    ImmutableArray<string> ExceptIds,
    string? SubHandling,
    bool ProvideNote,
    bool ProvideActivities);
