using Alerts.Api.Pages;
using Alerts.Core.Ingest;
using Alerts.Core.TickerPages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Api.Http;

/// <summary>
/// <c>GET /t/{ticker}</c>: the ticker's public page. One bounded range read of its history (the last
/// <see cref="TickerPageBuilder.HistoryWindow"/>, at most <see cref="TickerPageBuilder.MaxChanges"/> changes), the pure
/// <see cref="TickerPageBuilder"/>, then <see cref="TickerPage"/> writes the HTML. An invalid ticker answers 400 and a
/// ticker with no stored change 404: an HTML page for a browser, problem details for anything else.
/// </summary>
public sealed partial class TickerPageApi(IRatingChangeStore store, TimeProvider time, ILogger<TickerPageApi> logger)
{
    public async Task<IResult> GetAsync(HttpRequest request, string? ticker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pathBase = request.PathBase.ToString();
        if (!Tickers.TryNormalize(ticker, out var normalized, out var problem))
        {
            const string Title = "Not a ticker";
            var detail = $"The ticker {problem}.";
            return HtmlPage.IsWanted(request)
                ? TickerPage.Problem(StatusCodes.Status400BadRequest, Title, detail, pathBase)
                : Problems.Validation([new Core.ValidationError(null, "ticker", problem!)]);
        }

        var until = time.GetUtcNow();
        var from = until - TickerPageBuilder.HistoryWindow;
        IReadOnlyList<Core.Ratings.RatingChange> rows;
        try
        {
            // One more than shown, so that a longer history is known to be cut.
            rows = await store.GetWindowAsync(normalized, from, until, TickerPageBuilder.MaxChanges + 1, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(normalized, ex.Message);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "History unavailable", "The ticker's history cannot be read just now; try again shortly.", TimeSpan.FromSeconds(30));
        }

        var model = TickerPageBuilder.Build(normalized, rows, until);
        if (model.Changes.Count == 0)
        {
            var detail = $"No rating changes on {normalized} are stored for the last {(int)TickerPageBuilder.HistoryWindow.TotalDays / 365} years.";
            return HtmlPage.IsWanted(request)
                ? TickerPage.Problem(StatusCodes.Status404NotFound, $"Nothing on {normalized}", detail, pathBase)
                : Problems.Status(StatusCodes.Status404NotFound, "Not found", detail);
        }

        return TickerPage.Render(model, pathBase);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "History of {Ticker} unreadable for its page ({Reason})")]
    private partial void LogUnreadable(string ticker, string reason);
}
