using System.Text;
using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Pages;

/// <summary>An HTML page with the headers that keep it to itself: its Content-Security-Policy, nosniff, no referrer, no caching.</summary>
internal sealed class SecureHtmlResult(string html, string contentSecurityPolicy, int statusCode = StatusCodes.Status200OK) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";

        // A page's URL carries a token: keep it out of every cache.
        response.Headers.CacheControl = "no-store";
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
