using System.Net;
using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Pages;

/// <summary>The small HTML pages behind the links in emails: plain, accessible, readable on a phone.</summary>
internal static class HtmlPage
{
    /// <summary>True when the client asked for HTML (a browser); scripts get JSON and problem details.</summary>
    public static bool IsWanted(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The page with <see cref="SecureHtmlResult"/>'s headers and a policy that allows nothing but its own inline style (by
    /// its hash), a form posting to its own origin and the empty favicon: no script, no frame, no other origin.
    /// </summary>
    public static IResult Render(string title, string bodyHtml, int statusCode = StatusCodes.Status200OK) =>
        new SecureHtmlResult(Layout(title, bodyHtml), ContentSecurityPolicy, statusCode);

    /// <summary>A page whose one button POSTs to <paramref name="action"/>: mail scanners fetch links, but do not press buttons.</summary>
    public static IResult Form(string title, string introHtml, string action, string button) =>
        Render(title, $"{introHtml}<form method=\"post\" action=\"{Encode(action)}\"><button type=\"submit\">{Encode(button)}</button></form>");

    public static string Encode(string value) => WebUtility.HtmlEncode(value);

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}" +
        "button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #245;background:#245;color:#fff;cursor:pointer}" +
        "button:focus{outline:3px solid #f90;outline-offset:2px}dt{font-weight:600}dd{margin:0 0 .6rem 0}";

    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Style)))}'; " +
        "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static string Layout(string title, string bodyHtml) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">" +
        $"<title>{Encode(title)} - Alerts</title>" +
        $"<style>{Style}</style>" +
        $"</head><body><main><h1>{Encode(title)}</h1>{bodyHtml}</main></body></html>";
}
