using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Securities;

/// <summary>Refuses at start a refresh switched on without a contact address in the User-Agent the SEC asks for.</summary>
internal sealed class SecuritiesOptionsValidator : IValidateOptions<SecuritiesOptions>
{
    public ValidateOptionsResult Validate(string? name, SecuritiesOptions options) =>
        options.RefreshEnabled && !SecuritiesOptions.HasContact(options.UserAgent)
            ? ValidateOptionsResult.Fail(
                "Securities:RefreshEnabled is true but Securities:UserAgent names no contact address; the SEC asks automated clients for one (e.g. \"Acme Alerts ops@acme.example\").")
            : ValidateOptionsResult.Success;
}
