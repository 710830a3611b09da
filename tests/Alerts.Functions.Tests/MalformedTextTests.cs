using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, finding 6: invalid UTF-8 and lone surrogates (<c>\ud800</c>) in any string field of any route are a 400 with
/// problem details, never a 500: the subscription routes, the signed webhook (JSON and NDJSON) and SendGrid's events.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class MalformedTextTests(AlertsApp app)
{
    public enum Route
    {
        PostSubscriptions,
        PutSubscription,
        PostRatingsJson,
        PostRatingsNdjson,
        SendGridEvents,
    }

    /// <summary>A JSON template whose <c>%</c> is replaced by the bad string's bytes (inside quotes).</summary>
    private static readonly Dictionary<Route, string> Templates = new()
    {
        [Route.PostSubscriptions] = """{"email":"someone@example.com","tickers":["AAPL"],"firms":["%"]}""",
        [Route.PutSubscription] = """{"tickers":["AAPL"],"firms":["%"]}""",
        [Route.PostRatingsJson] = """{"ticker":"HOSTILE","firm":"UBS","toRating":"Buy","company":"%"}""",
        [Route.PostRatingsNdjson] = "{\"ticker\":\"HOSTILE\",\"firm\":\"UBS\",\"toRating\":\"Buy\"}\n{\"ticker\":\"HOSTILE\",\"firm\":\"%\",\"toRating\":\"Buy\"}",
        [Route.SendGridEvents] = """[{"email":"%@example.com","event":"bounce"}]""",
    };

    /// <summary>The bad strings, as the bytes between the quotes.</summary>
    private static readonly Dictionary<string, byte[]> BadStrings = new()
    {
        ["invalid UTF-8 byte"] = [(byte)'a', 0xFF, (byte)'b'],
        ["truncated UTF-8 sequence"] = [(byte)'a', 0xE2, 0x82],
        ["overlong UTF-8"] = [0xC0, 0xAF],
        ["UTF-8 encoded surrogate"] = [0xED, 0xA0, 0x80],
        ["lone high surrogate escape"] = Encoding.ASCII.GetBytes("a\\ud800b"),
        ["lone low surrogate escape"] = Encoding.ASCII.GetBytes("\\udc00"),
        ["reversed surrogate pair escape"] = Encoding.ASCII.GetBytes("\\udc00\\ud800"),
    };

    public static TheoryData<Route, string> Cases()
    {
        var data = new TheoryData<Route, string>();
        foreach (var route in Enum.GetValues<Route>())
        {
            foreach (var name in BadStrings.Keys)
            {
                data.Add(route, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnyRoute_BadTextInAStringField_Returns400ProblemDetails(Route route, string badString)
    {
        var template = Templates[route];
        var cut = template.IndexOf('%', StringComparison.Ordinal);
        byte[] body = [.. Encoding.UTF8.GetBytes(template[..cut]), .. BadStrings[badString], .. Encoding.UTF8.GetBytes(template[(cut + 1)..])];

        var response = await SendAsync(route, body);

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    private async Task<AlertsApp.Response> SendAsync(Route route, byte[] body)
    {
        switch (route)
        {
            case Route.PostSubscriptions:
                return await app.CallBytesAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", body, "application/json");
            case Route.PutSubscription:
                var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");
                var token = app.Services.GetRequiredService<Links>().ManageToken(id);
                return await app.CallBytesAsync(r => app.Subscriptions.UpdateAsync(r, id, CancellationToken.None), "PUT", $"/api/subscriptions/{id}", body, "application/json", new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });
            case Route.PostRatingsJson or Route.PostRatingsNdjson:
                var header = WebhookSignature.Sign(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body);
                return await app.CallBytesAsync(r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", body, route == Route.PostRatingsJson ? "application/json" : "application/x-ndjson", new Dictionary<string, string> { [WebhookSignature.HeaderName] = header });
            default:
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                var signature = Convert.ToBase64String(app.SendGridEventKey.SignData([.. Encoding.UTF8.GetBytes(timestamp), .. body], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
                return await app.CallBytesAsync(
                    r => app.SendGridEvents.PostAsync(r, CancellationToken.None), "POST", "/api/sendgrid/events", body, "application/json",
                    new Dictionary<string, string> { [SendGridEventSignature.SignatureHeader] = signature, [SendGridEventSignature.TimestampHeader] = timestamp });
        }
    }
}
