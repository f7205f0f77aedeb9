using System.Collections.Concurrent;
using System.Collections.Immutable;
using Bridge.Mapping.Addresses;
using Bridge.Mapping.Configuration;
using Bridge.Mapping.Presence.Rules;
using Bridge.Sip.Simple;
using Microsoft.Extensions.Logging;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// Pres-rules documents (RFC 5025) in Bridge:Presence:RulesFolder, one per presentity ("bob@b.test.xml"), read
/// into canonical rules. A document is read again when its file changes, so an admin edits rules without a
/// restart; an unreadable document gives no permission (and a log line), never a crash.
/// </summary>
public sealed class FolderPresenceRulesSource : IPresenceRulesSource
{
    private readonly IBridgeConfigSource _config;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (DateTime Written, PresenceRules Rules)> _cache = new(StringComparer.Ordinal);

    public FolderPresenceRulesSource(IBridgeConfigSource config, ILogger logger)
    {
        _config = config;
        _logger = logger;
    }

    public PresenceRules RulesFor(ChatAddress presentity)
    {
        ArgumentNullException.ThrowIfNull(presentity);
        if (_config.Current.Presence.RulesFolder is not { } folder)
        {
            return PresenceRules.Empty;
        }
        var name = presentity.Bare + ".xml";
        var file = Path.Combine(folder, name);
        if (Path.GetFileName(file) != name || !File.Exists(file))
        {
            return PresenceRules.Empty;
        }
        var written = File.GetLastWriteTimeUtc(file);
        if (_cache.TryGetValue(file, out var cached) && cached.Written == written)
        {
            return cached.Rules;
        }
        var rules = Read(file, presentity);
        _cache[file] = (written, rules);
        return rules;
    }

    private PresenceRules Read(string file, ChatAddress presentity)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException e)
        {
            _logger.LogWarning("Cannot read the pres-rules of {Presentity}: {Error}", presentity, e.Message);
            return PresenceRules.Empty;
        }
        if (!PresRulesParser.TryParse(bytes, out var parsed, out var error))
        {
            _logger.LogWarning("The pres-rules of {Presentity} are unusable: {Error}", presentity, error);
            return PresenceRules.Empty;
        }
        return new PresenceRules([.. parsed.Select(ToCanonical)]);
    }

    private static PresenceRule ToCanonical(PresRule rule)
    {
        static ImmutableArray<ChatAddress> Addresses(IEnumerable<string> uris) =>
            [.. uris.Select(u => (SipAddressMapping.TryFromSip(u, out var a) || XmppAddressMapping.TryFromXmpp(u.StartsWith("xmpp:", StringComparison.OrdinalIgnoreCase) ? u[5..] : u, out a)) ? a.Bare : null).OfType<ChatAddress>()];
        SubHandling? handling = rule.SubHandling switch
        {
            "allow" => SubHandling.Allow,
            "confirm" => SubHandling.Confirm,
            "polite-block" => SubHandling.PoliteBlock,
            "block" => SubHandling.Block,
            _ => null,
        };
        // An identity condition whose entries all fail to parse matches nobody, not everybody.
        var ones = Addresses(rule.OneIds);
        var domains = rule.ManyDomains.Select(d => d.ToLowerInvariant()).ToImmutableArray();
        if (rule.HasIdentityCondition && ones.IsEmpty && domains.IsEmpty)
        {
            return new PresenceRule(rule.Id, [], ["\u0000nobody"], [], handling, false, false);
        }
        return new PresenceRule(rule.Id, ones, domains, Addresses(rule.ExceptIds), handling, rule.ProvideNote, rule.ProvideActivities);
    }
}
