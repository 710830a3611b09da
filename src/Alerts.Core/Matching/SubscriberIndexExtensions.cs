using System.Runtime.CompilerServices;

namespace Alerts.Core.Matching;

/// <summary>Reading a ticker's subscribers row by row (for listings and tests; matching reads pages).</summary>
public static class SubscriberIndexExtensions
{
    /// <summary>Every row of every page of <paramref name="ticker"/>, in order, as a <see cref="Subscriber"/>.</summary>
    public static async IAsyncEnumerable<Subscriber> GetSubscribersAsync(this ISubscriberIndex index, string ticker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        await foreach (var page in index.GetPagesAsync(ticker, cancellationToken))
        {
            for (var row = 0; row < page.Count; row++)
            {
                yield return page[row];
            }
        }
    }
}
