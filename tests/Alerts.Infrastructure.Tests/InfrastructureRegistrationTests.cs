using Alerts.Core.Delivery;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Infrastructure.Tests;

/// <summary><see cref="InfrastructureServiceCollectionExtensions.AddAlertsInfrastructure"/>: SendGrid on the HTTP client factory, against a real local stand-in.</summary>
public sealed class InfrastructureRegistrationTests : IAsyncLifetime
{
    private CaptureServer _sendGrid = null!;

    public async Task InitializeAsync() => _sendGrid = await CaptureServer.StartAsync();

    public async Task DisposeAsync() => await _sendGrid.DisposeAsync();

    [Fact]
    public async Task AddAlertsInfrastructure_WithASendGridKey_SendsEachEmailThroughTheFactorysSendGridClient()
    {
        var handled = new RequestCounter();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        var configuration = Configuration(new() { ["SendGrid:ApiKey"] = "SG.test", ["SendGrid:Host"] = _sendGrid.BaseUrl });
        services.AddSingleton(configuration);
        services.AddAlertsInfrastructure(configuration, local: false);
        // Whatever the factory's pipeline for the named client holds is on the way of every SendGrid request.
        services.AddHttpClient(InfrastructureServiceCollectionExtensions.SendGridHttpClientName).AddHttpMessageHandler(() => new CountingHandler(handled));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var sender = provider.GetRequiredService<IEmailSender>();
        var first = await sender.SendAsync(TestEmails.Alert(), CancellationToken.None);
        var second = await sender.SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendResult.Accepted, first);
        Assert.Equal(EmailSendResult.Accepted, second);
        Assert.Equal(2, (await _sendGrid.WaitForRequestsAsync(2, TimeSpan.FromSeconds(10))).Count);
        Assert.Equal(2, handled.Count);
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(InfrastructureServiceCollectionExtensions.SendGridHttpClientName);
        Assert.Equal(TimeSpan.FromSeconds(30), client.Timeout);
    }

    [Fact]
    public async Task AddAlertsInfrastructure_WithoutASendGridKey_WritesEmailsToThePickupDirectory()
    {
        var pickup = Path.Combine(Path.GetTempPath(), "alerts-pickup-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddOptions<Alerts.Core.EmailOptions>().BindConfiguration(Alerts.Core.EmailOptions.SectionName);
            var configuration = Configuration(new() { ["Email:PickupDirectory"] = pickup });
            services.AddSingleton<IConfiguration>(configuration);
            services.AddAlertsInfrastructure(configuration, local: true);
            await using var provider = services.BuildServiceProvider();

            var result = await provider.GetRequiredService<IEmailSender>().SendAsync(TestEmails.Alert(), CancellationToken.None);

            Assert.Equal(EmailSendResult.Accepted, result);
            Assert.Single(Directory.GetFiles(pickup, "*.eml"));
            Assert.Empty(_sendGrid.Requests);
        }
        finally
        {
            if (Directory.Exists(pickup))
            {
                Directory.Delete(pickup, recursive: true);
            }
        }
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private sealed class RequestCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingHandler(RequestCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Add();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
