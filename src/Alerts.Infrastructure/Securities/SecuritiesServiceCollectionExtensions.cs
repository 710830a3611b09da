using System.Net;
using Alerts.Core.Extraction;
using Alerts.Core.Securities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Securities;

/// <summary>Registers the securities master, the company names read from it, and its refresh from the SEC.</summary>
public static class SecuritiesServiceCollectionExtensions
{
    /// <summary>
    /// The master (the embedded SEC file plus the name data of the file at <c>Alerts:CompanyNamesPath</c>, when set), the
    /// <see cref="CompanyDirectory"/> backed by it, and the <see cref="SecuritiesRefresher"/> (section <c>Securities</c>).
    /// </summary>
    public static IServiceCollection AddAlertsSecurities(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SecuritiesOptions>().BindConfiguration(SecuritiesOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecuritiesOptions>, SecuritiesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ =>
        {
            var path = configuration["Alerts:CompanyNamesPath"];
            return SecuritiesMaster.Load(string.IsNullOrWhiteSpace(path) ? null : File.ReadAllText(path));
        });
        services.AddSingleton(sp => new CompanyDirectory(sp.GetRequiredService<SecuritiesMaster>()));

        services.AddHttpClient<SecuritiesRefresher>(SecuritiesRefresher.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                AutomaticDecompression = DecompressionMethods.All,
            })
            .RemoveAllLoggers();
        return services;
    }
}
