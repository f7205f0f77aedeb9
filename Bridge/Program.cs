using Bridge.Hosting;

namespace Bridge;

public static class Program
{
    /// <summary>
    /// Exit codes: 0 after a clean stop, 2 for bad arguments or an invalid configuration (one line per
    /// problem on stderr), 1 when the bridge fails while starting or running.
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        if (!CommandLine.TryParse(args, out var options, out var usageError))
        {
            await Console.Error.WriteLineAsync(usageError).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(CommandLine.Usage).ConfigureAwait(false);
            return 2;
        }
        return await BridgeApplication.RunAsync(options).ConfigureAwait(false);
    }
}
