using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// The bridge under test, run as `dotnet Bridge.dll --config FILE` from the test output
/// directory. Ready when it accepts TCP on 127.0.0.2:5269 (XMPP s2s) and 127.0.0.2:5060 (SIP).
/// </summary>
public sealed class BridgeProcess : IAsyncDisposable
{
    public static readonly IPEndPoint XmppEndPoint = new(PeerServers.BridgeAddress, 5269);
    public static readonly IPEndPoint SipEndPoint = new(PeerServers.BridgeAddress, 5060);

    private ManagedProcess _process;

    private BridgeProcess(ManagedProcess process, string configFile)
    {
        _process = process;
        ConfigFile = configFile;
    }

    /// <summary>Tests.csproj references the Bridge project, so Bridge.dll sits next to the tests.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "Bridge.dll");

    public string ConfigFile { get; }

    public string LogFile => _process.LogFile;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.ExitCode;

    /// <summary>Bridge:Storage:Path of a config written by WriteConfigAsync into the directory.</summary>
    public static string StoragePath(string directory) => Path.Combine(directory, "bridge.db");

    /// <summary>
    /// Writes peers/bridge.json, rendered, into the directory; returns its path. The
    /// subscription store (Bridge:Storage:Path) is StoragePath(directory), so a restarted
    /// bridge with the same config finds the subscriptions again.
    /// </summary>
    public static async Task<string> WriteConfigAsync(string directory, Action<System.Text.Json.Nodes.JsonObject>? customize = null)
    {
        var template = await File.ReadAllTextAsync(Path.Combine(InteropEnvironment.PeersDirectory, "bridge.json")).ConfigureAwait(false);
        var path = Path.Combine(directory, "bridge.json");
        var rendered = PeerServers.Render(template, new Dictionary<string, string>
        {
            ["DIALBACK_SECRET"] = Guid.NewGuid().ToString("N"),
            ["WORK_DIR"] = directory,
        });
        if (customize is not null)
        {
            // A fixture's own settings (e.g. component mode) on top of the shared template.
            var root = System.Text.Json.Nodes.JsonNode.Parse(rendered)!.AsObject();
            customize(root["Bridge"]!.AsObject());
            rendered = root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        }
        await File.WriteAllTextAsync(path, rendered).ConfigureAwait(false);
        return path;
    }

    public static async Task<BridgeProcess> StartAsync(string configFile, string logFile, TimeSpan? readyTimeout = null)
    {
        var process = await LaunchAsync(configFile, logFile, readyTimeout).ConfigureAwait(false);
        return new BridgeProcess(process, configFile);
    }

    /// <summary>
    /// Kills the bridge hard (SIGKILL: no shutdown code runs, as in a crash), then starts it
    /// again with the same config (so the same storage file) and log file, and waits until
    /// it accepts on both ports again.
    /// </summary>
    public async Task RestartAsync(TimeSpan? readyTimeout = null)
    {
        var logFile = _process.LogFile;
        await _process.KillAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        File.AppendAllText(logFile, $"# {DateTime.UtcNow:O} harness: bridge killed (SIGKILL), restarting\n");
        _process = await LaunchAsync(ConfigFile, logFile, readyTimeout).ConfigureAwait(false);
    }

    private static async Task<ManagedProcess> LaunchAsync(string configFile, string logFile, TimeSpan? readyTimeout)
    {
        if (!File.Exists(DllPath))
        {
            throw new InteropSetupException($"{DllPath} not found; build Bridge.sln first");
        }
        foreach (var ep in new[] { XmppEndPoint, SipEndPoint })
        {
            if (await TcpProbe.AcceptsAsync(ep).ConfigureAwait(false))
            {
                throw new InteropSetupException($"{ep} is already in use (a bridge left over from an earlier run?)");
            }
        }
        // dotnet test sets DOTNET_HOST_PATH to the muxer that runs the tests; use the same one.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var process = ManagedProcess.Start("bridge", dotnet, [DllPath, "--config", configFile], logFile,
            workingDirectory: AppContext.BaseDirectory,
            environment: new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" });
        try
        {
            await TcpProbe.WaitUntilAcceptingAsync(process, [XmppEndPoint, SipEndPoint],
                readyTimeout ?? TimeSpan.FromSeconds(30), () => process.Tail()).ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return process;
    }

    public string Tail(int lines = 60) => _process.Tail(lines);

    public Task StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(10));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
