using System.Globalization;

namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>The <c>Feeds</c> settings of a test, in configuration keys (<c>Feeds:Sources:0:Name</c> = <c>Feeds__Sources__0__Name</c>).</summary>
internal sealed class FeedSettings
{
    public const string ApiKey = "test-api-key-5f3c9a";

    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase)
    {
        // Fast resilience for tests: short delays, a timeout long enough for a loaded CI machine.
        ["Feeds:RequestTimeoutSeconds"] = "5",
        ["Feeds:MaxRetries"] = "3",
        ["Feeds:RetryDelaySeconds"] = "0.02",
        ["Feeds:MaxRetryAfterSeconds"] = "5",
    };

    private int _sources;

    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <summary>The key prefix of the source added last ("Feeds:Sources:0:").</summary>
    public string LastSource { get; private set; } = "Feeds:Sources:0:";

    /// <summary>Sets a setting of the source added last (e.g. RequestsPerMinute).</summary>
    public FeedSettings With(string setting, object? value) => Set(LastSource + setting, value);

    public FeedSettings Source(string name, string kind, string? baseUrl = null, string? symbols = null, string? url = null, string? apiKey = ApiKey, int? lookbackDays = null)
    {
        var at = $"Feeds:Sources:{_sources++}:";
        LastSource = at;
        if (lookbackDays is { } days)
        {
            _values[at + "LookbackDays"] = days.ToString(CultureInfo.InvariantCulture);
        }

        _values[at + "Name"] = name;
        _values[at + "Kind"] = kind;
        _values[at + "BaseUrl"] = baseUrl;
        _values[at + "ApiKey"] = apiKey;
        _values[at + "Symbols"] = symbols;
        _values[at + "Url"] = url;
        return this;
    }

    public FeedSettings Set(string key, object? value)
    {
        _values[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        return this;
    }
}
