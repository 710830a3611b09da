using System.Text.Json;
using Alerts.Core.Ratings;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// One Benzinga rating record (<c>{id, date, time, ticker, name, currency, action_company, action_pt, rating_current,
/// rating_prior, pt_current, pt_prior, analyst, analyst_name, updated, url}</c>) as a submission, the same whether it was
/// polled (<see cref="BenzingaFeedSource"/>) or pushed (<see cref="BenzingaPushReceiver"/>): its <c>id</c> is the sender id.
/// </summary>
internal static class BenzingaRecord
{
    public static (RatingChangeSubmission Change, long? Updated) Read(JsonElement item, string source)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedRecordException($"a record is a JSON {item.ValueKind}, not an object");
        }

        var id = FeedJson.String(item, "id");
        var date = FeedJson.String(item, "date") ?? throw new MalformedRecordException($"record {id}: 'date' is missing");
        var published = FeedDates.Eastern(date, FeedJson.String(item, "time"));
        var change = published.On(new RatingChangeSubmission
        {
            SenderId = id,
            Ticker = FeedJson.String(item, "ticker") ?? string.Empty,
            Company = FeedJson.String(item, "name"),
            Firm = FeedJson.String(item, "analyst") ?? string.Empty,
            Analyst = FeedJson.String(item, "analyst_name"),
            Action = VendorActions.Combine(FeedJson.String(item, "action_company"), FeedJson.String(item, "action_pt")),
            FromRating = FeedJson.String(item, "rating_prior"),
            ToRating = FeedJson.String(item, "rating_current"),
            FromTarget = FeedJson.Decimal(item, "pt_prior"),
            ToTarget = FeedJson.Decimal(item, "pt_current"),
            Currency = FeedJson.String(item, "currency"),
            Url = FeedJson.String(item, "url"),
            Source = source,
        });
        return (change, FeedJson.Int64(item, "updated"));
    }
}
