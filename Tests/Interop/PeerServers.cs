using System.Globalization;
using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Prosody (a.test, c.test on 127.0.0.1) and Kamailio (b.test on 127.0.0.1:5060), started
/// from the peers/ templates in a fresh directory, in the background, and stopped by PID.
/// </summary>
public sealed class PeerServers : IAsyncDisposable
{
    public static readonly IPEndPoint XmppClientEndPoint = new(IPAddress.Loopback, 5222);
    public static readonly IPEndPoint XmppServerEndPoint = new(IPAddress.Loopback, 5269);
    public static readonly IPEndPoint SipEndPoint = new(IPAddress.Loopback, 5060);
    public static readonly IPEndPoint XmppComponentEndPoint = new(IPAddress.Loopback, 5347);
    public static readonly IPAddress BridgeAddress = IPAddress.Parse("127.0.0.2");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private ManagedProcess? _prosody;
    private ManagedProcess? _kamailio;

    private PeerServers(string workDirectory, ProsodyComponent? component)
    {
        WorkDirectory = workDirectory;
        Component = component;
    }

    /// <summary>The XEP-0114 component Prosody accepts on 127.0.0.1:5347, or null (S2S only).</summary>
    public ProsodyComponent? Component { get; }

    /// <summary>The per-run directory: configs, databases, logs.</summary>
    public string WorkDirectory { get; }

    public string ProsodyDirectory => Path.Combine(WorkDirectory, "prosody");

    public string KamailioDirectory => Path.Combine(WorkDirectory, "kamailio");

    public int? ProsodyPid => _prosody?.Id;

    public int? KamailioPid => _kamailio?.Id;

    /// <summary>
    /// Starts both servers. With <paramref name="component"/>, Prosody also accepts that XEP-0114 component
    /// (which then owns the component's domain on Prosody: its users reach it without S2S).
    /// <paramref name="prosodyTemplate"/> picks the Prosody config under peers/ (TLS is opt-in per fixture:
    /// "prosody-tls.cfg.lua"), rendered with <paramref name="prosodyValues"/> besides WORK_DIR.
    /// <paramref name="kamailioTls"/> starts Kamailio with -A WITH_TLS (tls:127.0.0.1:5061, TLS to the bridge);
    /// the certificates must already be in WORK_DIR/certs (see TlsTestFiles).
    /// </summary>
    public static async Task<PeerServers> StartAsync(
        string? workDirectory = null, ProsodyComponent? component = null, string prosodyTemplate = "prosody.cfg.lua",
        IReadOnlyDictionary<string, string>? prosodyValues = null, bool kamailioTls = false)
    {
        var servers = new PeerServers(workDirectory ?? InteropEnvironment.CreateRunDirectory("peers"), component);
        try
        {
            HostsFile.EnsureEntries(HostsFile.TestEntries);
            await EnsurePortsFreeAsync().ConfigureAwait(false);
            await servers.StartProsodyAsync(prosodyTemplate, prosodyValues ?? new Dictionary<string, string>()).ConfigureAwait(false);
            await servers.StartKamailioAsync(kamailioTls).ConfigureAwait(false);
            return servers;
        }
        catch
        {
            await servers.StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Log tails of both servers, for assertion messages.</summary>
    public string Diagnostics() =>
        string.Join('\n',
            LogTail.Of(Path.Combine(ProsodyDirectory, "prosody.log"), 30),
            LogTail.Of(Path.Combine(ProsodyDirectory, "stdout.log"), 10),
            LogTail.Of(Path.Combine(KamailioDirectory, "kamailio.log"), 30));

    public async Task StopAsync()
    {
        if (_kamailio is not null)
        {
            await _kamailio.DisposeAsync().ConfigureAwait(false);
            _kamailio = null;
        }
        if (_prosody is not null)
        {
            await _prosody.DisposeAsync().ConfigureAwait(false);
            _prosody = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    internal static string Render(string template, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            template = template.Replace("@" + key + "@", value, StringComparison.Ordinal);
        }
        return template;
    }

    private static async Task EnsurePortsFreeAsync()
    {
        foreach (var ep in new[] { XmppClientEndPoint, XmppServerEndPoint, XmppComponentEndPoint, SipEndPoint })
        {
            if (await TcpProbe.AcceptsAsync(ep).ConfigureAwait(false))
            {
                throw new InteropSetupException(
                    $"{ep} is already in use (a server left over from an earlier run?); stop it by its PID first");
            }
        }
    }

    private async Task StartProsodyAsync(string templateName, IReadOnlyDictionary<string, string> extra)
    {
        var dir = ProsodyDirectory;
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        Directory.CreateDirectory(Path.Combine(dir, "certs"));
        var config = ProsodyConfig;
        var template = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, templateName)).ConfigureAwait(false);
        var rendered = Render(template, new Dictionary<string, string>(extra) { ["WORK_DIR"] = WorkDirectory });
        if (Component is { } component)
        {
            rendered = component.AddTo(rendered, XmppComponentEndPoint);
        }
        await File.WriteAllTextAsync(config, rendered).ConfigureAwait(false);

        var users = await File.ReadAllLinesAsync(Path.Combine(InteropEnvironment.PeersDirectory, "prosody-users.txt")).ConfigureAwait(false);
        foreach (var line in users.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            await ManagedProcess.RunAsync($"prosodyctl register {f[0]}@{f[1]}", "/usr/bin/prosodyctl",
                ["--config", config, "register", f[0], f[1], f[2]],
                Path.Combine(dir, "prosodyctl.log"), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        await LaunchProsodyAsync().ConfigureAwait(false);
    }

    private string ProsodyConfig => Path.Combine(ProsodyDirectory, "prosody.cfg.lua");

    private async Task LaunchProsodyAsync()
    {
        var dir = ProsodyDirectory;
        _prosody = ManagedProcess.Start("prosody", "/usr/bin/prosody", ["--config", ProsodyConfig, "-F"],
            Path.Combine(dir, "stdout.log"));
        IPEndPoint[] ready = Component is null
            ? [XmppClientEndPoint, XmppServerEndPoint]
            : [XmppClientEndPoint, XmppServerEndPoint, XmppComponentEndPoint];
        await TcpProbe.WaitUntilAcceptingAsync(_prosody, ready, StartTimeout,
            () => LogTail.Of(Path.Combine(dir, "prosody.log")) + "\n" + _prosody.Tail(20)).ConfigureAwait(false);
    }

    /// <summary>
    /// The xcap table row holding peers/kamailio-rls-services.xml (the list friends@b.test) for Kamailio's rls:
    /// id:username:domain:doc:doc_type:etag:source:doc_uri:port, doc_type 8 = rls-services; db_text escapes
    /// ':' and line breaks inside a field.
    /// </summary>
    private static async Task<string> RlsServicesRowAsync()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "kamailio-rls-services.xml")).ConfigureAwait(false);
        var escaped = doc.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
        return $"1:friends:b.test:{escaped}:8:rls1:0:/rls-services/global/index:0\n";
    }

    /// <summary>Stops Prosody by its PID (SIGTERM), as an admin restarting it does; its data stays.</summary>
    public async Task StopProsodyAsync()
    {
        if (_prosody is not null)
        {
            await _prosody.StopAsync(StopGrace).ConfigureAwait(false);
            await _prosody.DisposeAsync().ConfigureAwait(false);
            _prosody = null;
        }
    }

    /// <summary>Stops Kamailio by its PID (SIGTERM), as an admin restarting it does; its databases stay.</summary>
    public async Task StopKamailioAsync()
    {
        if (_kamailio is not null)
        {
            await _kamailio.StopAsync(StopGrace).ConfigureAwait(false);
            await _kamailio.DisposeAsync().ConfigureAwait(false);
            _kamailio = null;
        }
    }

    /// <summary>Starts Kamailio again with the same config and databases; returns once it holds its SIP ports.</summary>
    public Task StartKamailioAgainAsync() => _kamailio is null
        ? LaunchKamailioAsync()
        : throw new InvalidOperationException("kamailio is running");

    /// <summary>Starts Prosody again with the same config and data; returns once it accepts connections.</summary>
    public Task StartProsodyAgainAsync() => _prosody is null
        ? LaunchProsodyAsync()
        : throw new InvalidOperationException("prosody is running");

    private async Task StartKamailioAsync(bool tls)
    {
        var dir = KamailioDirectory;
        var dbtext = Path.Combine(dir, "dbtext");
        Directory.CreateDirectory(dbtext);
        // Presence tables (unused by page mode) live in db_text; see peers/kamailio.cfg.
        foreach (var table in Directory.GetFiles("/usr/share/kamailio/dbtext/kamailio"))
        {
            File.Copy(table, Path.Combine(dbtext, Path.GetFileName(table)));
        }
        await File.AppendAllTextAsync(Path.Combine(dbtext, "xcap"), await RlsServicesRowAsync().ConfigureAwait(false)).ConfigureAwait(false);

        var sql = string.Concat(
            await File.ReadAllTextAsync("/usr/share/kamailio/db_sqlite/standard-create.sql").ConfigureAwait(false),
            await File.ReadAllTextAsync("/usr/share/kamailio/db_sqlite/auth_db-create.sql").ConfigureAwait(false),
            await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "kamailio-subscribers.sql")).ConfigureAwait(false));
        await ManagedProcess.RunAsync("sqlite3 users", "/usr/bin/sqlite3", [Path.Combine(dir, "users.sqlite")],
            Path.Combine(dir, "sqlite3.log"), TimeSpan.FromSeconds(30), sql).ConfigureAwait(false);

        var config = Path.Combine(dir, "kamailio.cfg");
        var template = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "kamailio.cfg")).ConfigureAwait(false);
        await File.WriteAllTextAsync(config, Render(template, new Dictionary<string, string>
        {
            ["WORK_DIR"] = WorkDirectory,
            ["BRIDGE_ADDRESS"] = BridgeAddress.ToString(),
        })).ConfigureAwait(false);

        // -DD: stay in the foreground so the PID we hold is the main process, which takes its
        // workers down on SIGTERM. -E: log to stderr, i.e. our log file.
        List<string> arguments = ["-f", config, "-DD", "-E", "-m", "64", "-M", "8", "-w", dir, "-P", Path.Combine(dir, "kamailio.pid")];
        if (tls)
        {
            var tlsTemplate = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "kamailio-tls.cfg")).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(dir, "tls.cfg"), Render(tlsTemplate, new Dictionary<string, string> { ["WORK_DIR"] = WorkDirectory })).ConfigureAwait(false);
            arguments.AddRange(["-A", "WITH_TLS"]);
        }
        _kamailioArguments = arguments;
        await LaunchKamailioAsync().ConfigureAwait(false);
    }

    private List<string>? _kamailioArguments;

    private async Task LaunchKamailioAsync()
    {
        _kamailio = ManagedProcess.Start("kamailio", "/usr/sbin/kamailio", _kamailioArguments!, Path.Combine(KamailioDirectory, "kamailio.log"));
        await TcpProbe.WaitUntilAcceptingAsync(_kamailio, [SipEndPoint], StartTimeout, () => _kamailio.Tail()).ConfigureAwait(false);
        if (!TcpProbe.UdpPortInUse(SipEndPoint.Address, SipEndPoint.Port))
        {
            throw new InteropSetupException($"kamailio accepts TCP but does not hold udp {SipEndPoint}\n{_kamailio.Tail()}");
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"peers in {WorkDirectory} (prosody pid {ProsodyPid}, kamailio pid {KamailioPid})");
}
