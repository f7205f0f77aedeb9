using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Bridge.Bench;

/// <summary>
/// Watches the bridge's garbage collections from outside, over the runtime's diagnostic port (EventPipe, the
/// mechanism dotnet-counters and dotnet-trace use): GC keyword at Informational level only, so a handful of
/// events per collection. A pause runs from SuspendEE start to RestartEE end.
/// </summary>
internal sealed class GcPauseMonitor : IDisposable
{
    private const long GcKeyword = 0x1;

    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private double _suspendStartMs = -1;
    private double _maxPauseMs;
    private double _totalPauseMs;
    private int _pauses;
    private readonly int[] _gcsByGeneration = new int[3];
    private long _heapBytes = -1;

    public GcPauseMonitor(int pid)
    {
        var client = new DiagnosticsClient(pid);
        _session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeyword)],
            requestRundown: false, circularBufferMB: 64);
        _source = new EventPipeEventSource(_session.EventStream);
        _source.Clr.GCSuspendEEStart += OnSuspend;
        _source.Clr.GCRestartEEStop += OnRestarted;
        _source.Clr.GCStart += OnGcStart;
        _source.Clr.GCHeapStats += OnHeapStats;
        _thread = new Thread(() =>
        {
            try
            {
                _source.Process();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
            {
            }
        }) { IsBackground = true, Name = "gc-events" };
        _thread.Start();
    }

    public (double MaxMs, double TotalMs, int Pauses, int Gen0, int Gen1, int Gen2) Snapshot()
    {
        lock (_gate)
        {
            return (_maxPauseMs, _totalPauseMs, _pauses, _gcsByGeneration[0], _gcsByGeneration[1], _gcsByGeneration[2]);
        }
    }

    /// <summary>Managed heap size (all generations, LOH and POH) after the latest GC the bridge ran; NaN before the first.</summary>
    public double HeapAfterLastGcMiB()
    {
        lock (_gate)
        {
            return _heapBytes < 0 ? double.NaN : _heapBytes / 1048576.0;
        }
    }

    private void OnHeapStats(GCHeapStatsTraceData data)
    {
        lock (_gate)
        {
            _heapBytes = data.TotalHeapSize;
        }
    }

    private void OnSuspend(GCSuspendEETraceData data)
    {
        lock (_gate)
        {
            _suspendStartMs = data.TimeStampRelativeMSec;
        }
    }

    private void OnRestarted(GCNoUserDataTraceData data)
    {
        lock (_gate)
        {
            if (_suspendStartMs < 0)
            {
                return;
            }
            var pause = data.TimeStampRelativeMSec - _suspendStartMs;
            _suspendStartMs = -1;
            _pauses++;
            _totalPauseMs += pause;
            _maxPauseMs = Math.Max(_maxPauseMs, pause);
        }
    }

    private void OnGcStart(GCStartTraceData data)
    {
        lock (_gate)
        {
            if ((uint)data.Depth < 3)
            {
                _gcsByGeneration[data.Depth]++;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
        }
        _thread.Join(TimeSpan.FromSeconds(5));
        _source.Dispose();
        _session.Dispose();
    }
}
