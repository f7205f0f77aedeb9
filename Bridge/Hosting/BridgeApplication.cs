using Bridge.Hosting.Configuration;
using Bridge.Mapping.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Bridge.Hosting;

/// <summary>Loads and validates the configuration, then runs the host until it is stopped.</summary>
public static class BridgeApplication
{
    public static async Task<int> RunAsync(CommandLine commandLine)
    {
        var configuration = BuildConfiguration(commandLine);
        var errors = new List<string>();
        var config = BridgeConfigReader.Read(configuration, errors);
        if (config is null)
        {
            foreach (var line in errors)
            {
                await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
            }
            return 2;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Configuration = configuration });
        builder.Services.AddSerilog((services, logger) => ConfigureLogging(logger, configuration));
        builder.Services.AddBridge(configuration, config);
        using var host = builder.Build();
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Services.GetService<Serilog.ILogger>()?.Fatal(e, "Bridge stopped on an error");
            await Console.Error.WriteLineAsync($"bridge failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>appsettings.json beside the binary, then the --config file, then Bridge__… environment variables, then command-line overrides.</summary>
    public static ConfigurationManager BuildConfiguration(CommandLine commandLine)
    {
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (commandLine.ConfigFile is { } file)
        {
            configuration.AddJsonFile(file, optional: false, reloadOnChange: true);
        }
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine([.. commandLine.Overrides]);
        return configuration;
    }

    private static void ConfigureLogging(LoggerConfiguration logger, IConfiguration configuration)
    {
        logger.ReadFrom.Configuration(configuration).Enrich.FromLogContext();
        if (!configuration.GetSection("Serilog:WriteTo").Exists())
        {
            logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }
    }
}
