namespace Bridge.Hosting;

/// <summary>The bridge's own arguments; everything else is passed on as configuration overrides.</summary>
public sealed record CommandLine(string? ConfigFile, IReadOnlyList<string> Overrides)
{
    public const string Usage = "usage: Bridge [--config FILE] [--Bridge:Key=value ...]";

    public static bool TryParse(IReadOnlyList<string> args, out CommandLine result, out string? error)
    {
        string? config = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--config")
            {
                if (i + 1 >= args.Count)
                {
                    result = new CommandLine(null, rest);
                    error = "--config needs a file name";
                    return false;
                }
                config = args[++i];
            }
            else if (a.StartsWith("--config=", StringComparison.Ordinal))
            {
                config = a["--config=".Length..];
            }
            else
            {
                rest.Add(a);
            }
        }
        if (config is not null && !File.Exists(config))
        {
            result = new CommandLine(config, rest);
            error = $"--config: file '{config}' does not exist";
            return false;
        }
        result = new CommandLine(config is null ? null : Path.GetFullPath(config), rest);
        error = null;
        return true;
    }
}
