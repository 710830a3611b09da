using System.Collections.Frozen;
using System.Security.Cryptography;
using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Pages;

/// <summary>
/// The script and style sheet of the pages (<c>GET /api/assets/{name}</c>), embedded in this assembly from
/// <c>Pages/Assets/</c>, so that both hosts serve the same bytes and a page's Content-Security-Policy can allow
/// same-origin scripts and styles only. Only the names listed here are served.
/// </summary>
public static class StaticAssets
{
    public const string ManageScript = "manage.js";
    public const string ManageStyles = "manage.css";
    public const string TickerStyles = "ticker.css";

    /// <summary>What every page's style sheet shares; served in front of each, not on its own.</summary>
    private const string BaseStyles = "base.css";

    private static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        [ManageScript] = Load(ManageScript, "text/javascript; charset=utf-8"),
        [ManageStyles] = Load(ManageStyles, "text/css; charset=utf-8", BaseStyles),
        [TickerStyles] = Load(TickerStyles, "text/css; charset=utf-8", BaseStyles),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The URL of an asset, with its content digest as <c>?v=</c> so that a new version is never read from a cache.</summary>
    public static string Url(string pathBase, string name) => $"{pathBase}/api/assets/{name}?v={Assets[name].Version}";

    public static IResult Get(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (name is null || !Assets.TryGetValue(name, out var asset))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not found", "No such asset.");
        }

        return new AssetResult(asset, request.Headers.IfNoneMatch.Contains(asset.ETag));
    }

    private static Asset Load(string name, string contentType, string? before = null)
    {
        using var buffer = new MemoryStream();
        foreach (var part in before is null ? [name] : new[] { before, name })
        {
            using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("Alerts.Api.Assets." + part)
                ?? throw new InvalidOperationException($"The embedded asset {part} is missing.");
            stream.CopyTo(buffer);
        }

        var bytes = buffer.ToArray();
        var version = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        return new Asset(bytes, contentType, version, $"\"{version}\"");
    }

    private sealed record Asset(byte[] Bytes, string ContentType, string Version, string ETag);

    private sealed class AssetResult(Asset asset, bool notModified) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.CacheControl = "public, max-age=86400";
            response.Headers.ETag = asset.ETag;
            if (notModified)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = asset.ContentType;
            response.ContentLength = asset.Bytes.Length;
            await response.Body.WriteAsync(asset.Bytes, httpContext.RequestAborted);
        }
    }
}
