using System.Text.Json;

namespace Bridge.Tests.Interop;

/// <summary>
/// A real XMPP client (slixmpp, clients/xmpp_client.py) logged in to the local Prosody.
/// Commands go to its stdin as JSON lines; its stdout events are collected in Events.
/// </summary>
public sealed class XmppTestClient : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly EventLog<XmppEvent> _events;

    private XmppTestClient(ManagedProcess process, EventLog<XmppEvent> events, string jid)
    {
        _process = process;
        _events = events;
        Jid = jid;
    }

    public static string ScriptPath => Path.Combine(InteropEnvironment.InteropSourceDirectory, "clients", "xmpp_client.py");

    /// <summary>The full JID bound by the server.</summary>
    public string Jid { get; }

    public string LogFile => _process.LogFile;

    public IReadOnlyList<XmppEvent> Events => _events.Snapshot();

    /// <summary>Starts the client and waits until its session is up (roster fetched, presence sent).</summary>
    public static async Task<XmppTestClient> ConnectAsync(string bareJid, string password, string logDirectory, TimeSpan? timeout = null)
    {
        var events = new EventLog<XmppEvent>();
        var logFile = Path.Combine(logDirectory, $"xmpp-{bareJid.Replace('@', '_')}-{Guid.NewGuid().ToString("N")[..6]}.log");
        var process = ManagedProcess.Start($"xmpp client {bareJid}", InteropEnvironment.PythonPath,
            [ScriptPath, bareJid, password, PeerServers.XmppClientEndPoint.Address.ToString(), PeerServers.XmppClientEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            logFile,
            onStdoutLine: line =>
            {
                if (line.StartsWith('{'))
                {
                    events.Add(XmppEvent.Parse(line));
                }
            });
        var first = await events.WaitForAsync(
            e => e.Kind is XmppEvent.Connected or XmppEvent.AuthFailed or XmppEvent.Disconnected,
            timeout ?? TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        if (first?.Kind != XmppEvent.Connected)
        {
            var tail = process.Tail();
            await process.DisposeAsync().ConfigureAwait(false);
            throw new InteropSetupException($"{bareJid} could not log in ({first?.Raw ?? "no event"})\n{tail}");
        }
        return new XmppTestClient(process, events, first.Jid ?? bareJid);
    }

    public async Task SendAsync(XmppOutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var command = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["cmd"] = "send",
            ["to"] = message.To,
            ["body"] = message.Body,
            ["subject"] = message.Subject,
            ["lang"] = message.Lang,
            ["thread"] = message.Thread,
            ["type"] = message.Type,
            ["id"] = message.Id,
        });
        await _process.StandardInput.WriteLineAsync(command).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends presence: broadcast, or directed when to is given. show: away, chat, dnd, xa or
    /// null; unavailable sends type='unavailable'.
    /// </summary>
    public Task SendPresenceAsync(string? show = null, string? status = null, string? lang = null,
        int? priority = null, string? to = null, bool unavailable = false) =>
        WriteCommandAsync(new Dictionary<string, object?>
        {
            ["cmd"] = "presence",
            ["show"] = show,
            ["status"] = status,
            ["lang"] = lang,
            ["priority"] = priority,
            ["to"] = to,
            ["type"] = unavailable ? "unavailable" : null,
        });

    /// <summary>Sends a subscription stanza: type is subscribe, subscribed, unsubscribe or unsubscribed.</summary>
    public Task SendSubscriptionAsync(string to, string type) =>
        WriteCommandAsync(new Dictionary<string, object?> { ["cmd"] = "subscription", ["to"] = to, ["type"] = type });

    /// <summary>Presence stanzas received so far from the bare JID (or its full JIDs).</summary>
    public IReadOnlyList<XmppEvent> PresencesFrom(string bareJid) =>
        [.. Events.Where(e => e.IsPresenceFrom(bareJid))];

    /// <summary>The first presence from the bare JID (any resource) matching the predicate, or null.</summary>
    public Task<XmppEvent?> WaitForPresenceAsync(string bareJid, Func<XmppEvent, bool> predicate, TimeSpan timeout) =>
        _events.WaitForAsync(e => e.IsPresenceFrom(bareJid) && predicate(e), timeout);

    private async Task WriteCommandAsync(Dictionary<string, object?> command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command)).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The first matching event, or null after the timeout.</summary>
    public Task<XmppEvent?> WaitForAsync(Func<XmppEvent, bool> predicate, TimeSpan timeout) =>
        _events.WaitForAsync(predicate, timeout);

    /// <summary>The client's own log, for assertion messages.</summary>
    public string Diagnostics() =>
        "events:\n" + string.Join('\n', Events) + "\n" + _process.Tail(30);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("{\"cmd\":\"quit\"}").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
