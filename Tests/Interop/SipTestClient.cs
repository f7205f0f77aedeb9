using System.Globalization;
using System.Net;

namespace Bridge.Tests.Interop;

/// <summary>
/// Real SIP user agents, played by sipp with the scenarios in Tests/Interop/sipp. Clients
/// always bind random high ports: never 5060/5061 on Kamailio's address.
/// </summary>
public sealed class SipTestClient
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    public SipTestClient(string logDirectory)
    {
        LogDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
    }

    public string LogDirectory { get; }

    public static string ScenarioDirectory => Path.Combine(InteropEnvironment.InteropSourceDirectory, "sipp");

    /// <summary>Starts a UAS on the address and port (0 = a random free high port).</summary>
    public async Task<SipUas> StartUasAsync(IPAddress address, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (port == 0)
        {
            port = TcpProbe.FreeUdpPort(address);
        }
        var name = UniqueName($"uas-{address}-{port}");
        var trace = Path.Combine(LogDirectory, name + ".msg");
        var process = ManagedProcess.Start($"sipp uas {address}:{port}", "/usr/bin/sipp",
            ["-sf", Path.Combine(ScenarioDirectory, "uas_message.xml"), "-i", address.ToString(),
             "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-nostdin",
             "-trace_msg", "-message_file", trace, "-trace_err", "-error_file", Path.Combine(LogDirectory, name + ".err")],
            Path.Combine(LogDirectory, name + ".log"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!TcpProbe.UdpPortInUse(address, port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var tail = process.Tail();
                await process.DisposeAsync().ConfigureAwait(false);
                throw new InteropSetupException($"sipp UAS did not bind udp {address}:{port}\n{tail}");
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        return new SipUas(process, new IPEndPoint(address, port), trace);
    }

    /// <summary>
    /// bob's UA for tests that send him messages: a UAS on 127.0.0.1, registered at Kamailio. A failed
    /// registration is a harness problem (InteropSetupException), not a bridge failure.
    /// </summary>
    public async Task<SipUas> StartRegisteredBobAsync()
    {
        var uas = await StartUasAsync(IPAddress.Loopback).ConfigureAwait(false);
        var registered = await RegisterAsync(TestAccounts.Bob, TestAccounts.BobPassword, uas.EndPoint.Port).ConfigureAwait(false);
        if (registered.FinalStatus != 200)
        {
            await uas.DisposeAsync().ConfigureAwait(false);
            throw new InteropSetupException("bob could not register: " + registered);
        }
        return uas;
    }

    /// <summary>REGISTERs user@b.test at Kamailio with digest auth, Contact 127.0.0.1:contactPort.</summary>
    public Task<SipResult> RegisterAsync(string user, string password, int contactPort, int expires = 3600) =>
        RunUacAsync("register", "register.xml", PeerServers.SipEndPoint, IPAddress.Loopback,
            ["-au", user, "-ap", password,
             "-key", "user", user, "-key", "domain", TestAccounts.SipDomain,
             "-key", "contact_port", contactPort.ToString(CultureInfo.InvariantCulture),
             "-key", "expires", expires.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Sends one MESSAGE; answers a 401/407 challenge when credentials are given.</summary>
    public Task<SipResult> SendMessageAsync(SipOutgoingMessage message) => SendMessagesAsync(message, 1);

    /// <summary>
    /// Sends <paramref name="count"/> copies of the MESSAGE (each its own Call-ID) as one burst: one sipp run at
    /// up to 1000 calls/s with all of them in flight at once (sipp's own default rate is 10 calls/s).
    /// </summary>
    public async Task<SipResult> SendMessagesAsync(SipOutgoingMessage message, int count)
    {
        ArgumentNullException.ThrowIfNull(message);
        var scenario = await File.ReadAllLinesAsync(Path.Combine(ScenarioDirectory, "uac_message.xml")).ConfigureAwait(false);
        // The scenario always carries Subject and Content-Language; drop the lines the test leaves empty.
        var lines = scenario.Where(l =>
            !(message.Subject is null && l.TrimStart().StartsWith("Subject: [subject]", StringComparison.Ordinal))
            && !(message.ContentLanguage is null && l.TrimStart().StartsWith("Content-Language: [lang]", StringComparison.Ordinal)));
        var name = UniqueName("uac_message");
        var scenarioFile = Path.Combine(LogDirectory, name + ".xml");
        await File.WriteAllLinesAsync(scenarioFile, lines).ConfigureAwait(false);
        var args = new List<string>
        {
            "-key", "from_uri", message.FromUri, "-key", "to_uri", message.ToUri,
            "-key", "subject", message.Subject ?? "", "-key", "lang", message.ContentLanguage ?? "",
            "-key", "body", message.Body,
        };
        if (message.AuthUser is not null)
        {
            args.AddRange(["-au", message.AuthUser, "-ap", message.AuthPassword ?? ""]);
        }
        return await RunUacAsync(name, scenarioFile, message.Target, message.LocalAddress, args, count).ConfigureAwait(false);
    }

    /// <summary>
    /// PUBLISHes presence for user@b.test at Kamailio (digest auth). The result's ETag names
    /// the publication, for a modification (SipPublication.ETag) or UnpublishAsync.
    /// </summary>
    public async Task<SipResult> PublishAsync(SipPublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        var scenarioFile = Path.Combine(ScenarioDirectory, "publish.xml");
        if (publication.ETag is null)
        {
            // An initial publication carries no SIP-If-Match.
            var lines = (await File.ReadAllLinesAsync(scenarioFile).ConfigureAwait(false))
                .Where(l => !l.TrimStart().StartsWith("SIP-If-Match: [etag]", StringComparison.Ordinal));
            scenarioFile = Path.Combine(LogDirectory, UniqueName("publish") + ".xml");
            await File.WriteAllLinesAsync(scenarioFile, lines).ConfigureAwait(false);
        }
        return await RunUacAsync("publish", scenarioFile, PeerServers.SipEndPoint, IPAddress.Loopback,
            ["-au", publication.User, "-ap", publication.Password,
             "-key", "user", publication.User, "-key", "domain", TestAccounts.SipDomain,
             "-key", "expires", publication.Expires.ToString(CultureInfo.InvariantCulture),
             "-key", "basic", publication.Basic, "-key", "lang", publication.Lang,
             "-key", "note", System.Security.SecurityElement.Escape(publication.Note),
             "-key", "activity", publication.Activity, "-key", "tuple", publication.TupleId,
             "-key", "etag", publication.ETag ?? ""]).ConfigureAwait(false);
    }

    /// <summary>Withdraws a publication: PUBLISH with Expires: 0 and SIP-If-Match (sipp/unpublish.xml).</summary>
    public Task<SipResult> UnpublishAsync(string user, string password, string etag) =>
        RunUacAsync("unpublish", "unpublish.xml", PeerServers.SipEndPoint, IPAddress.Loopback,
            ["-au", user, "-ap", password,
             "-key", "user", user, "-key", "domain", TestAccounts.SipDomain, "-key", "etag", etag]);

    /// <summary>
    /// Starts a background presence watcher (sipp/subscribe.xml) that SUBSCRIBEs once and
    /// answers every NOTIFY with 200 until disposed or its Lifetime ends.
    /// </summary>
    public async Task<SipSubscriber> StartSubscriberAsync(SipSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var local = subscription.LocalAddress;
        var port = TcpProbe.FreeUdpPort(local);
        var name = UniqueName("subscribe");
        var trace = Path.Combine(LogDirectory, name + ".msg");
        var contactUser = subscription.FromUri.StartsWith("sip:", StringComparison.Ordinal) && subscription.FromUri.Contains('@', StringComparison.Ordinal)
            ? subscription.FromUri[4..subscription.FromUri.IndexOf('@', StringComparison.Ordinal)]
            : "watcher";
        var args = new List<string>
        {
            subscription.Target.ToString(),
            "-sf", Path.Combine(ScenarioDirectory, "subscribe.xml"),
            "-i", local.ToString(), "-p", port.ToString(CultureInfo.InvariantCulture),
            "-t", "u1", "-m", "1", "-nostdin",
            "-timeout", ((int)Math.Ceiling(subscription.Lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
            // An unexpected message must not make sipp send anything of its own.
            "-default_behaviors", "none",
            "-trace_msg", "-message_file", trace,
            "-trace_err", "-error_file", Path.Combine(LogDirectory, name + ".err"),
            "-key", "from_uri", subscription.FromUri, "-key", "to_uri", subscription.ToUri,
            "-key", "contact_user", contactUser,
            "-key", "expires", subscription.Expires.ToString(CultureInfo.InvariantCulture),
            "-key", "accept", subscription.EventList ? "application/pidf+xml, application/rlmi+xml, multipart/related" : "application/pidf+xml",
            // An empty Supported header is valid (RFC 3261 §20.37) and says "no extensions".
            "-key", "supported", subscription.EventList ? "eventlist" : "",
        };
        if (subscription.AuthUser is not null)
        {
            args.AddRange(["-au", subscription.AuthUser, "-ap", subscription.AuthPassword ?? ""]);
        }
        var process = ManagedProcess.Start($"sipp subscriber {subscription.FromUri}", "/usr/bin/sipp", args,
            Path.Combine(LogDirectory, name + ".log"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!TcpProbe.UdpPortInUse(local, port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var tail = process.Tail();
                await process.DisposeAsync().ConfigureAwait(false);
                throw new InteropSetupException($"sipp subscriber did not bind udp {local}:{port}\n{tail}");
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
        return new SipSubscriber(process, new IPEndPoint(local, port), trace, subscription);
    }

    private async Task<SipResult> RunUacAsync(string name, string scenario, IPEndPoint target, IPAddress local, IEnumerable<string> extra, int calls = 1)
    {
        var count = calls.ToString(CultureInfo.InvariantCulture);
        name = UniqueName(name);
        var trace = Path.Combine(LogDirectory, name + ".msg");
        var log = Path.Combine(LogDirectory, name + ".log");
        var args = new List<string>
        {
            target.ToString(),
            "-sf", Path.IsPathRooted(scenario) ? scenario : Path.Combine(ScenarioDirectory, scenario),
            "-i", local.ToString(), "-p", TcpProbe.FreeUdpPort(local).ToString(CultureInfo.InvariantCulture),
            "-t", "u1", "-m", count, "-r", calls > 1 ? "1000" : "10", "-rp", "1000", "-l", count, "-nostdin",
            // A silent peer ends the call after 8 s instead of sipp's full retransmission cycle.
            "-recv_timeout", "8000", "-timeout", "20s",
            "-trace_msg", "-message_file", trace,
            "-trace_err", "-error_file", Path.Combine(LogDirectory, name + ".err"),
        };
        args.AddRange(extra);
        await using var process = ManagedProcess.Start($"sipp {name}", "/usr/bin/sipp", args, log);
        process.StandardInput.Close();
        if (!await process.WaitForExitAsync(RunTimeout).ConfigureAwait(false))
        {
            throw new InteropSetupException($"sipp {name} did not finish within {RunTimeout}\n{process.Tail()}");
        }
        return new SipResult(process.ExitCode ?? -1, SipTrace.Read(trace), LogTail.Of(Path.Combine(LogDirectory, name + ".err"), 10));
    }

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
}
