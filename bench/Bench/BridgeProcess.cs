using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Bridge.Bench;

/// <summary>
/// Starts the bridge binary with a generated config (its stdout and stderr go to a log file, through the
/// shell's exec so the PID is the runtime's own) and stops it. Reads its peak working set from /proc.
/// </summary>
internal sealed class BridgeProcess : IDisposable
{
    private readonly Process _process;

    private BridgeProcess(Process process, string logFile)
    {
        _process = process;
        LogFile = logFile;
    }

    public int Pid => _process.Id;

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    public static string WriteConfig(string dir, BenchOptions o, bool informationLogging, bool presence = false)
    {
        var config = new JsonObject
        {
            ["Bridge"] = new JsonObject
            {
                ["Xmpp"] = new JsonObject { ["Listen"] = $"{o.BridgeAddress}:{o.XmppPort}", ["DialbackSecret"] = o.BridgeSecret },
                // Both entries always: arrays merge by index with the appsettings.json beside the binary.
                ["Sip"] = new JsonObject { ["Listen"] = new JsonArray($"udp:{o.BridgeAddress}:{o.SipPort}", $"tcp:{o.BridgeAddress}:{o.SipPort}") },
                ["Domains"] = new JsonObject
                {
                    ["a.test"] = new JsonObject { ["Protocol"] = "xmpp", ["Route"] = $"{o.PeerAddress}:{o.XmppPort}" },
                    ["b.test"] = new JsonObject
                    {
                        ["Protocol"] = "sip",
                        ["Route"] = $"sip:{o.PeerAddress}:{o.SipPort}",
                        ["TrustedAddresses"] = new JsonArray(o.PeerAddress.ToString()),
                    },
                },
                ["Peerings"] = new JsonArray(new JsonObject
                {
                    ["Domains"] = new JsonArray("a.test", "b.test"),
                    ["Services"] = presence ? new JsonArray("message", "presence") : new JsonArray("message"),
                }),
            },
            ["Serilog"] = new JsonObject
            {
                ["MinimumLevel"] = new JsonObject
                {
                    ["Default"] = informationLogging ? "Information" : "Warning",
                    ["Override"] = new JsonObject { ["Microsoft"] = "Warning" },
                },
            },
        };
        if (presence)
        {
            config["Bridge"]!["Storage"] = new JsonObject { ["Path"] = Path.Combine(dir, "bridge.db") };
        }
        var path = Path.Combine(dir, presence ? "bridge-presence.json" : informationLogging ? "bridge-info.json" : "bridge-warning.json");
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public static async Task<BridgeProcess> StartAsync(string bridgeDll, string configFile, string logFile, IPEndPoint xmpp, TimeSpan timeout, bool perfMap = false)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "exec dotnet \"$0\" --config \"$1\" >\"$2\" 2>&1", bridgeDll, configFile, logFile },
            UseShellExecute = false,
        };
        // Workstation GC, as the bridge ships (Directory.Build.props); stated so a shell override cannot change it.
        start.Environment["DOTNET_gcServer"] = "0";
        if (perfMap)
        {
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the bridge");
        var bridge = new BridgeProcess(process, logFile);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the bridge exited with {process.ExitCode}; see {logFile}:\n{File.ReadAllText(logFile)}");
            }
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(xmpp).ConfigureAwait(false);
                return bridge;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
        bridge.Dispose();
        throw new TimeoutException($"the bridge did not listen on {xmpp} in {timeout.TotalSeconds} s");
    }

    /// <summary>VmHWM: the peak resident set size, in MiB.</summary>
    public double PeakWorkingSetMiB() => ProcStatusKiB(Pid, "VmHWM:") / 1024.0;

    public double WorkingSetMiB() => WorkingSetMiB(Pid);

    /// <summary>VmRSS of any process, in MiB.</summary>
    public static double WorkingSetMiB(int pid) => ProcStatusKiB(pid, "VmRSS:") / 1024.0;

    private static long ProcStatusKiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return -1;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGTERM lets the host stop cleanly; the bench started this process and ends it by its PID.
            using var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}
