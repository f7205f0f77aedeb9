namespace Bridge.Tests.Interop;

/// <summary>
/// The peers and the bridge one test class shares: started by the first test, stopped by the class cleanup.
/// A failed start is remembered, so every test of the class fails with the same cause instead of retrying it.
/// </summary>
/// <param name="start">Starts the peers (in a run directory of their own) and the bridge, in that order.</param>
internal sealed class InteropFixture(Func<Task<(PeerServers Peers, BridgeProcess? Bridge)>> start)
{
    private PeerServers? _peers;
    private BridgeProcess? _bridge;
    private Exception? _setupError;

    public PeerServers Peers => _peers ?? throw new InvalidOperationException("the peers are not started");

    /// <summary>The bridge; null for a class that starts its own per test.</summary>
    public BridgeProcess? Bridge => _bridge;

    /// <summary>Where the clients of the class log (created on start).</summary>
    public string LogDirectory => Path.Combine(Peers.WorkDirectory, "clients");

    public async Task EnsureStartedAsync()
    {
        InteropEnvironment.RequirePeers();
        if (_setupError is null && _peers is null)
        {
            try
            {
                (_peers, _bridge) = await start();
                Directory.CreateDirectory(LogDirectory);
            }
            catch (Exception ex) when (ex is InteropSetupException or IOException)
            {
                _setupError = ex;
            }
        }
        if (_setupError is not null)
        {
            throw new InteropSetupException("interop servers or bridge did not start (inner exception has the cause and log tail)", _setupError);
        }
    }

    public async Task StopAsync()
    {
        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
            _bridge = null;
        }
        if (_peers is not null)
        {
            await _peers.DisposeAsync();
            _peers = null;
        }
    }

    /// <summary>The given parts, then the bridge's log tail and the peers' diagnostics.</summary>
    public string Diagnostics(params string[] parts) =>
        string.Join('\n', parts) + (_bridge is null ? "" : "\n--- bridge ---\n" + _bridge.Tail()) + "\n" + (_peers?.Diagnostics() ?? "");

    /// <summary>The usual start: peers with default templates, then the bridge with peers/bridge.json (customized).</summary>
    public static async Task<(PeerServers, BridgeProcess?)> StartDefaultAsync(string runName, Action<System.Text.Json.Nodes.JsonObject>? customize = null) =>
        await WithBridgeAsync(await PeerServers.StartAsync(InteropEnvironment.CreateRunDirectory(runName)), customize);

    /// <summary>Starts the bridge with peers/bridge.json (customized) in the peers' run directory; stops the peers if it fails.</summary>
    public static async Task<(PeerServers, BridgeProcess?)> WithBridgeAsync(PeerServers peers, Action<System.Text.Json.Nodes.JsonObject>? customize = null)
    {
        try
        {
            var config = await BridgeProcess.WriteConfigAsync(peers.WorkDirectory, customize);
            return (peers, await BridgeProcess.StartAsync(config, Path.Combine(peers.WorkDirectory, "bridge.log")));
        }
        catch
        {
            await peers.DisposeAsync();
            throw;
        }
    }
}
