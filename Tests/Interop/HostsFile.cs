namespace Bridge.Tests.Interop;

/// <summary>Adds the test domains to /etc/hosts, idempotently and in place.</summary>
public static class HostsFile
{
    public const string DefaultPath = "/etc/hosts";

    /// <summary>b.test is the bridge (Prosody's s2s target); a.test and c.test are Prosody.</summary>
    public static readonly IReadOnlyList<(string Address, string Host)> TestEntries =
    [
        ("127.0.0.2", "b.test"),
        ("127.0.0.1", "a.test"),
        ("127.0.0.1", "c.test"),
    ];

    public static void EnsureEntries(IReadOnlyList<(string Address, string Host)> entries, string path = DefaultPath)
    {
        var existing = File.Exists(path) ? File.ReadAllLines(path) : [];
        var mapped = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in existing)
        {
            var line = raw.Split('#', 2)[0];
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i < fields.Length; i++)
            {
                // The first mapping of a name wins for the resolver; remember only that one.
                mapped.TryAdd(fields[i], fields[0]);
            }
        }
        var toAdd = new List<string>();
        foreach (var (address, host) in entries)
        {
            if (mapped.TryGetValue(host, out var current))
            {
                if (current != address)
                {
                    throw new InteropSetupException(
                        $"{path} maps {host} to {current}, but the interop layout needs {address}; fix that line");
                }
                continue;
            }
            toAdd.Add($"{address} {host}");
        }
        if (toAdd.Count == 0)
        {
            return;
        }
        // Append in place: in containers /etc/hosts is often a bind mount that cannot be replaced.
        var prefix = existing.Length > 0 && !File.ReadAllText(path).EndsWith('\n') ? "\n" : "";
        File.AppendAllText(path, prefix + string.Join('\n', toAdd) + "\n");
    }
}
