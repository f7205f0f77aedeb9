using System.Text.Json;
using Bridge.Sip;

namespace Bridge.FrontEnds.Sip.Presence;

/// <summary>
/// The Data of a stored SipWatcher subscription: the notifier's <see cref="SipNotifierSnapshot"/> as JSON, so that
/// after a restart NOTIFYs continue the same dialog (same Call-ID and tags, higher CSeq) and the SIP watcher's
/// client keeps its subscription without noticing.
/// </summary>
public static class SipNotifierRecordData
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(SipNotifierSnapshot snapshot) => JsonSerializer.Serialize(snapshot, Options);

    /// <summary>Null for missing or unreadable data (a record from another version, a damaged file).</summary>
    public static SipNotifierSnapshot? TryDeserialize(string? data)
    {
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<SipNotifierSnapshot>(data, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
