using System.Globalization;

namespace Bridge.Bench;

/// <summary>User+system CPU time of a process from /proc/PID/stat, to split the machine's CPU between the bridge and the bench.</summary>
internal static class CpuClock
{
    private static readonly double TicksPerSecond = 100.0;

    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>Machine-wide UDP datagrams dropped because a socket's receive buffer was full (/proc/net/snmp RcvbufErrors).</summary>
    public static long UdpReceiveBufferErrors()
    {
        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        return long.Parse(values[Array.IndexOf(names, "RcvbufErrors")], CultureInfo.InvariantCulture);
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
