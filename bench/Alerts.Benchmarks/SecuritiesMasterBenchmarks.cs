using Alerts.Core.Extraction;
using Alerts.Core.Securities;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// The securities master: building it from the embedded SEC file and the name data (at start, and at each refresh),
/// resolving company names as news writes them, checking tickers, and the suggestions for an unlisted one. The setup
/// prints the memory the master keeps (<see cref="GC.GetTotalMemory"/> before and after one is built and held) and what
/// building one allocates (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SecuritiesMasterBenchmarks
{
    /// <summary>Names as headlines write them: resolved, a word that needs its suffix, one not known.</summary>
    private static readonly string[] Names =
    [
        "Microsoft", "Ideaya Biosciences", "Riot Platforms", "JPMorgan Chase & Co.", "Target", "Lightspeed Commerce", "Acme Widgets", "Meta Platforms, Inc.",
    ];

    private static readonly string[] Tickers = ["AAPL", "BRK-B", "brk.b", "CIFR", "APPL", "7203.T", "SPY", "IREN"];

    private SecuritiesMaster _master = null!;
    private CompanyDirectory _directory = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The first master of a process also reads the embedded file (its rows are kept for later masters); the app has one.
        var start = GC.GetTotalMemory(forceFullCollection: true);
        var first = SecuritiesMaster.Load(null);
        var firstRetained = GC.GetTotalMemory(forceFullCollection: true) - start;
        GC.KeepAlive(first);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        _master = SecuritiesMaster.Load(null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(
            $"// securities master, first in the process (with the embedded rows): retained {firstRetained:N0} bytes ({firstRetained / 1024.0 / 1024.0:F1} MiB)");
        _directory = new CompanyDirectory(_master);
        Console.WriteLine(
            $"// securities master: {_master.Count} listings, {_master.NameCount} names; retained {retained:N0} bytes ({retained / 1024.0 / 1024.0:F1} MiB); building one allocated {allocated:N0} bytes");
    }

    /// <summary>A new master from the embedded rows (what a refresh does after parsing).</summary>
    [Benchmark]
    public int Build() => SecuritiesMaster.Load(null).Count;

    /// <summary>Eight names (<see cref="Names"/>) resolved through the <see cref="CompanyDirectory"/>, as the extractor does.</summary>
    [Benchmark(OperationsPerInvoke = 8)]
    public int ResolveName()
    {
        var found = 0;
        foreach (var name in Names)
        {
            found += _directory.TryResolve(name, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>Eight tickers (<see cref="Tickers"/>) checked, share-class spellings included.</summary>
    [Benchmark(OperationsPerInvoke = 8)]
    public int IsListed()
    {
        var found = 0;
        foreach (var ticker in Tickers)
        {
            found += _master.IsListed(ticker) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The nearest listed tickers of one unlisted ticker (a scan of every listing).</summary>
    [Benchmark]
    public int Suggest() => _master.Suggest("APPL").Count;
}
