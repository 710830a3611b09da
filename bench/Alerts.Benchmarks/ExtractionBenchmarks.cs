using Alerts.Core.Extraction;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// Reading rating changes from news text (<see cref="NewsTextExtractor"/>): a one-line headline and a short article
/// of several paragraphs that names six calls. Mean time is per text; divide the text's length by it for characters/s.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class ExtractionBenchmarks
{
    public const string Headline =
        "JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises price target to $18 from $12";

    public const string Article =
        """
        Analyst actions: chip makers and miners in focus

        JPMorgan upgraded Cipher Mining (NASDAQ: CIFR) to Overweight from Neutral on Tuesday and raised its price target
        to $18 from $12, citing the company's expanding data-center pipeline. The analyst, Reginald Smith, said the
        shares could re-rate as hosting contracts are signed. Cipher Mining shares rose 6% in pre-market trading.

        Separately, Goldman Sachs initiated coverage of Nvidia (NVDA) with a Buy rating and a $250 price target. The
        firm expects data-center revenue to keep growing through next year.

        Morgan Stanley downgraded Intel Corp. (INTC) to Underweight from Equal-Weight and cut its price target to $18
        from $24, pointing to share losses in servers. Intel did not comment.

        UBS raised its price target on Advanced Micro Devices (AMD) to $210 from $190 and reiterated its Buy rating.

        Elsewhere, Wedbush reiterated an Outperform rating on Tesla (TSLA). Bank of America lowered its target on
        Rivian Automotive (RIVN) to $12 from $15, keeping a Neutral rating.
        """;

    [GlobalSetup]
    public void Setup() =>
        Console.WriteLine($"// headline: {Headline.Length} characters, {ExtractHeadline()} changes read; article: {Article.Length} characters, {ExtractArticle()} changes read");

    /// <summary>The headline (about 100 characters).</summary>
    [Benchmark]
    public int ExtractHeadline() => NewsTextExtractor.Default.Extract(Headline).Count;

    /// <summary>The article (about 1,000 characters, six calls).</summary>
    [Benchmark]
    public int ExtractArticle() => NewsTextExtractor.Default.Extract(Article).Count;
}
