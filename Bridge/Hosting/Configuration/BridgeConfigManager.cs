using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Bridge.Hosting.Configuration;

/// <summary>
/// Holds the current <see cref="BridgeConfig"/> and replaces it when the configuration reloads, but
/// only with one that reads and validates cleanly; a bad edit leaves the running config in force.
/// </summary>
public sealed class BridgeConfigManager : IBridgeConfigSource, IDisposable
{
    private readonly IConfiguration root;
    private readonly ILogger<BridgeConfigManager> logger;
    private readonly IDisposable registration;
    private BridgeConfig current;

    /// <summary>Starts watching <paramref name="root"/>'s reload token, with <paramref name="initial"/> in force.</summary>
    public BridgeConfigManager(IConfiguration root, BridgeConfig initial, ILogger<BridgeConfigManager> logger)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(logger);
        this.root = root;
        this.logger = logger;
        current = initial;
        registration = ChangeToken.OnChange(root.GetReloadToken, OnReload);
    }

    /// <inheritdoc/>
    public BridgeConfig Current => Volatile.Read(ref current);

    /// <inheritdoc/>
    public event Action<BridgeConfig>? Changed;

    /// <summary>Stops watching for reloads.</summary>
    public void Dispose() => registration.Dispose();

    private void OnReload()
    {
        BridgeConfig? next;
        try
        {
            var errors = new List<string>();
            next = BridgeConfigReader.Read(root, errors);
            if (next is null)
            {
                foreach (var problem in errors)
                {
                    logger.LogWarning("config reload rejected: {Problem}", problem);
                }

                return;
            }

            Volatile.Write(ref current, next);
            logger.LogInformation("config reloaded: {Domains} domains, {Peerings} peerings", next.Domains.Count, next.Peerings.Length);
        }
#pragma warning disable CA1031 // runs on the configuration's change callback; throwing there would stop reload watching
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "config reload failed; keeping the previous configuration");
            return;
        }

        try
        {
            Changed?.Invoke(next);
        }
#pragma warning disable CA1031 // a subscriber's bug must not stop reload watching; the new config is already in force
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "a config change subscriber failed");
        }
    }
}
