namespace Bridge.Tests.Interop;

/// <summary>
/// Decides whether the interop tests can run here. With CI=true a missing prerequisite is a
/// failure (CI must never skip silently); on a developer machine it is Inconclusive.
/// </summary>
public static class InteropEnvironment
{
    private static readonly string[] RequiredFiles =
    [
        "/usr/bin/prosody",
        "/usr/bin/prosodyctl",
        "/usr/sbin/kamailio",
        "/usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so",
        "/usr/lib/x86_64-linux-gnu/kamailio/modules/presence.so",
        "/usr/share/kamailio/db_sqlite/auth_db-create.sql",
        "/usr/share/kamailio/dbtext/kamailio/version",
        "/usr/bin/sipp",
        "/usr/bin/sqlite3",
        PythonPath,
        "/usr/lib/python3/dist-packages/slixmpp/__init__.py",
    ];

    /// <summary>slixmpp is a Debian package; another python on PATH would not see it.</summary>
    public const string PythonPath = "/usr/bin/python3";

    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The checkout root (holds Bridge.sln, peers/, Tests/Interop/).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string PeersDirectory => Path.Combine(RepoRoot, "peers");

    public static string InteropSourceDirectory => Path.Combine(RepoRoot, "Tests", "Interop");

    /// <summary>Null when the real peers can run here, else why not.</summary>
    public static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "interop tests need Linux (Debian packages prosody, kamailio, sip-tester)";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "interop tests must run as root (they add test domains to /etc/hosts)";
        }
        var missing = RequiredFiles.Where(f => !File.Exists(f)).ToList();
        return missing.Count == 0
            ? null
            : "missing " + string.Join(", ", missing) + " (run scripts/test, which installs the Debian packages)";
    }

    /// <summary>Fails under CI, otherwise marks the test Inconclusive, when peers cannot run.</summary>
    public static void RequirePeers()
    {
        var reason = MissingPrerequisite();
        if (reason is null)
        {
            return;
        }
        if (IsCi)
        {
            Assert.Fail("CI=true and interop prerequisites are missing: " + reason);
        }
        Assert.Inconclusive(reason);
    }

    /// <summary>A fresh directory per run, kept afterwards for diagnosis.</summary>
    public static string CreateRunDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), "bridge-interop",
            $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))
                && Directory.Exists(Path.Combine(dir.FullName, "peers")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"cannot find the checkout root (Bridge.sln and peers/) above {AppContext.BaseDirectory}");
    }
}
