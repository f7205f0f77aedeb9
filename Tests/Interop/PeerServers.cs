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
    public static readonly IPAddress BridgeAddress = IPAddress.Parse("127.0.0.2");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private ManagedProcess? _prosody;
    private ManagedProcess? _kamailio;

    private PeerServers(string workDirectory)
    {
        WorkDirectory = workDirectory;
    }

    /// <summary>The per-run directory: configs, databases, logs.</summary>
    public string WorkDirectory { get; }

    public string ProsodyDirectory => Path.Combine(WorkDirectory, "prosody");

    public string KamailioDirectory => Path.Combine(WorkDirectory, "kamailio");

    public int? ProsodyPid => _prosody?.Id;

    public int? KamailioPid => _kamailio?.Id;

    /// <summary>
    /// Starts both servers. <paramref name="prosodyTemplate"/> picks the Prosody config under peers/ (TLS is
    /// opt-in per fixture: "prosody-tls.cfg.lua"), rendered with <paramref name="prosodyValues"/> besides WORK_DIR.
    /// <paramref name="kamailioTls"/> starts Kamailio with -A WITH_TLS (tls:127.0.0.1:5061, TLS to the bridge);
    /// the certificates must already be in WORK_DIR/certs (see TlsTestFiles).
    /// </summary>
    public static async Task<PeerServers> StartAsync(
        string? workDirectory = null, string prosodyTemplate = "prosody.cfg.lua", IReadOnlyDictionary<string, string>? prosodyValues = null,
        bool kamailioTls = false)
    {
        var servers = new PeerServers(workDirectory ?? InteropEnvironment.CreateRunDirectory("peers"));
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
        foreach (var ep in new[] { XmppClientEndPoint, XmppServerEndPoint, SipEndPoint })
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
        var config = Path.Combine(dir, "prosody.cfg.lua");
        var template = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, templateName)).ConfigureAwait(false);
        var values = new Dictionary<string, string>(extra) { ["WORK_DIR"] = WorkDirectory };
        await File.WriteAllTextAsync(config, Render(template, values)).ConfigureAwait(false);

        var users = await File.ReadAllLinesAsync(Path.Combine(InteropEnvironment.PeersDirectory, "prosody-users.txt")).ConfigureAwait(false);
        foreach (var line in users.Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            await ManagedProcess.RunAsync($"prosodyctl register {f[0]}@{f[1]}", "/usr/bin/prosodyctl",
                ["--config", config, "register", f[0], f[1], f[2]],
                Path.Combine(dir, "prosodyctl.log"), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }

        _prosody = ManagedProcess.Start("prosody", "/usr/bin/prosody", ["--config", config, "-F"],
            Path.Combine(dir, "stdout.log"));
        await TcpProbe.WaitUntilAcceptingAsync(_prosody, [XmppClientEndPoint, XmppServerEndPoint], StartTimeout,
            () => LogTail.Of(Path.Combine(dir, "prosody.log")) + "\n" + _prosody.Tail(20)).ConfigureAwait(false);
    }

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

        List<string> arguments = ["-f", config, "-DD", "-E", "-m", "64", "-M", "8", "-w", dir, "-P", Path.Combine(dir, "kamailio.pid")];
        if (tls)
        {
            var tlsTemplate = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "kamailio-tls.cfg")).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(dir, "tls.cfg"), Render(tlsTemplate, new Dictionary<string, string> { ["WORK_DIR"] = WorkDirectory })).ConfigureAwait(false);
            arguments.AddRange(["-A", "WITH_TLS"]);
        }
        // -DD: stay in the foreground so the PID we hold is the main process, which takes its
        // workers down on SIGTERM. -E: log to stderr, i.e. our log file.
        _kamailio = ManagedProcess.Start("kamailio", "/usr/sbin/kamailio", arguments, Path.Combine(dir, "kamailio.log"));
        await TcpProbe.WaitUntilAcceptingAsync(_kamailio, [SipEndPoint], StartTimeout, () => _kamailio.Tail()).ConfigureAwait(false);
        if (!TcpProbe.UdpPortInUse(SipEndPoint.Address, SipEndPoint.Port))
        {
            throw new InteropSetupException($"kamailio accepts TCP but does not hold udp {SipEndPoint}\n{_kamailio.Tail()}");
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"peers in {WorkDirectory} (prosody pid {ProsodyPid}, kamailio pid {KamailioPid})");
}
