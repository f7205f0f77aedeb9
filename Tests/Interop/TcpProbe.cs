using System.Net;
using System.Net.Sockets;

namespace Bridge.Tests.Interop;

/// <summary>Readiness checks against real servers (this is interop code, so it polls).</summary>
public static class TcpProbe
{
    public static async Task<bool> AcceptsAsync(IPEndPoint endPoint)
    {
        using var client = new TcpClient(endPoint.AddressFamily);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until every endpoint accepts TCP connections; fails early when the owning
    /// process exits, with its log tail.
    /// </summary>
    public static async Task WaitUntilAcceptingAsync(
        ManagedProcess owner, IReadOnlyList<IPEndPoint> endPoints, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pending = endPoints.ToList();
        while (true)
        {
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                if (await AcceptsAsync(pending[i]).ConfigureAwait(false))
                {
                    pending.RemoveAt(i);
                }
            }
            if (pending.Count == 0)
            {
                return;
            }
            if (owner.HasExited)
            {
                await owner.WaitForExitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                throw new InteropSetupException(
                    $"{owner.Name} (pid {owner.Id}) exited with code {owner.ExitCode} before listening on "
                    + $"{string.Join(", ", pending)}\n{diagnostics()}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InteropSetupException(
                    $"{owner.Name} (pid {owner.Id}) is not listening on {string.Join(", ", pending)} after {timeout}\n{diagnostics()}");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>True if nothing can be bound on address:port/udp, i.e. something holds it.</summary>
    public static bool UdpPortInUse(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }

    /// <summary>A random free high UDP port (never 5060/5061) for a SIP client.</summary>
    public static int FreeUdpPort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
