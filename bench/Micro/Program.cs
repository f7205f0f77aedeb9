using BenchmarkDotNet.Running;

// Micro-benchmarks of the bridge's per-message hot paths; see bench/README.md.
BenchmarkSwitcher.FromAssembly(typeof(Bridge.Micro.SipBenchmarks).Assembly).Run(args);
