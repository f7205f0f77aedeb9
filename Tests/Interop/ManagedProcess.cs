using System.Diagnostics;

namespace Bridge.Tests.Interop;

/// <summary>
/// A child process of the harness: output goes to a log file (and optionally to a line
/// callback), and it is stopped by its own PID, never by name.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private static readonly Lock LiveLock = new();
    private static readonly HashSet<ManagedProcess> Live = [];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly Action<string>? _onStdoutLine;
    private readonly TaskCompletionSource _outputDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    static ManagedProcess()
    {
        // A crashed or aborted test run must not leave servers holding the test ports.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            ManagedProcess[] all;
            lock (LiveLock)
            {
                all = [.. Live];
            }
            foreach (var p in all)
            {
                p.KillNow();
            }
        };
    }

    private ManagedProcess(string name, Process process, string logFile, Action<string>? onStdoutLine)
    {
        Name = name;
        _process = process;
        LogFile = logFile;
        _onStdoutLine = onStdoutLine;
        _log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            AutoFlush = true,
        };
    }

    public string Name { get; }

    public string LogFile { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public StreamWriter StandardInput => _process.StandardInput;

    public static ManagedProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string logFile,
        string? workingDirectory = null,
        Action<string>? onStdoutLine = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(logFile)!,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process, logFile, onStdoutLine);
        managed.WriteLog($"# {DateTime.UtcNow:O} {fileName} {string.Join(' ', psi.ArgumentList)}");
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data, isStdout: false);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            managed._log.Dispose();
            process.Dispose();
            throw new InteropSetupException($"{name}: cannot start {fileName}: {ex.Message}", ex);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (LiveLock)
        {
            Live.Add(managed);
        }
        return managed;
    }

    /// <summary>Runs a short command to completion; throws with its output if it fails.</summary>
    public static async Task<string> RunAsync(
        string name, string fileName, IEnumerable<string> arguments, string logFile,
        TimeSpan timeout, string? standardInput = null)
    {
        await using var p = Start(name, fileName, arguments, logFile);
        if (standardInput is not null)
        {
            await p.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
        }
        p.StandardInput.Close();
        if (!await p.WaitForExitAsync(timeout).ConfigureAwait(false))
        {
            throw new InteropSetupException($"{name} did not finish within {timeout}:\n{p.Tail()}");
        }
        if (p.ExitCode != 0)
        {
            throw new InteropSetupException($"{name} exited with {p.ExitCode}:\n{p.Tail()}");
        }
        return p.Tail();
    }

    /// <summary>True if the process exited (and its output was drained) within the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await _outputDone.Task.WaitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    /// <summary>SIGTERM by PID, then SIGKILL of the PID's process tree after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            }))
            {
                if (kill is not null)
                {
                    await kill.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            if (!await WaitForExitAsync(grace).ConfigureAwait(false))
            {
                WriteLog($"# {Name} ignored SIGTERM for {grace}; killing process tree {Id}");
                KillNow();
                await WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }
        lock (LiveLock)
        {
            Live.Remove(this);
        }
    }

    /// <summary>SIGKILL of the PID's process tree, as in a crash; waits until it is gone.</summary>
    public async Task KillAsync()
    {
        WriteLog($"# {Name}: SIGKILL by the harness");
        KillNow();
        await WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        lock (LiveLock)
        {
            Live.Remove(this);
        }
    }

    /// <summary>The last lines of this process's log, for failure messages.</summary>
    public string Tail(int lines = 40) => LogTail.Of(LogFile, lines);

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        lock (_logLock)
        {
            _log.Dispose();
        }
        _process.Dispose();
    }

    private void KillNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void OnLine(string? line, bool isStdout)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _openStreams) == 0)
            {
                _outputDone.TrySetResult();
            }
            return;
        }
        WriteLog(isStdout ? line : "[stderr] " + line);
        if (isStdout)
        {
            _onStdoutLine?.Invoke(line);
        }
    }

    private void WriteLog(string line)
    {
        lock (_logLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Late output after disposal is dropped; the process is gone.
            }
        }
    }
}
