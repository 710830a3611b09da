using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;

namespace Alerts.Functions;

/// <summary>Defaults that only make sense inside Azure Functions.</summary>
internal static class AzureDefaults
{
    /// <summary>Links in emails point at the app's own host unless <c>Alerts__PublicBaseUrl</c> says otherwise.</summary>
    public static FunctionsApplicationBuilder UseAzureDefaults(this FunctionsApplicationBuilder builder)
    {
        var host = Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME");
        if (string.IsNullOrWhiteSpace(builder.Configuration["Alerts:PublicBaseUrl"]) && !string.IsNullOrWhiteSpace(host))
        {
            var scheme = host.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) ? "http" : "https";
            builder.Configuration.AddInMemoryCollection([new("Alerts:PublicBaseUrl", $"{scheme}://{host}")]);
        }

        return builder;
    }
}
