namespace Alerts.Core.Security;

/// <summary>
/// What a secret (a webhook secret, a link-signing key, an admin key) must be for the app to start with it: not an
/// unresolved Key Vault reference (App Service hands the app the literal <c>@Microsoft.KeyVault(...)</c> when it cannot
/// read the vault), not a placeholder, and at least <see cref="MinimumLength"/> characters.
/// </summary>
public static class SecretRules
{
    /// <summary>32 characters: 128 bits or more from any generator worth using (<c>openssl rand -hex 32</c> gives 64).</summary>
    public const int MinimumLength = 32;

    /// <summary>The local runner's webhook secret when none is set: public, so accepted only in local mode.</summary>
    public const string DevelopmentWebhookSecret = "local-development-secret";

    private static readonly string[] PlaceholderWords =
        ["changeme", "replacewith", "replaceme", "placeholder", "yoursecret", "yourkey", "secrethere", "keyhere", "notasecret", "insert", "fixme", "dummy"];

    private static readonly HashSet<string> PlaceholderValues = new(StringComparer.Ordinal)
        { "todo", "tbd", "secret", "password", "key", "test", "none", "null", "empty", "default", "example", DevelopmentWebhookSecret.Replace("-", string.Empty, StringComparison.Ordinal) };

    /// <summary>What is wrong with <paramref name="value"/> (never the value itself), or null when it may be used.</summary>
    public static string? Problem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsKeyVaultReference(value))
        {
            return "is an unresolved Key Vault reference: App Service could not read the secret (check the app's managed identity, its access to the vault, and the secret's name)";
        }

        var letters = new string(value.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (value.IndexOfAny(['<', '>']) >= 0 || value.Contains("${", StringComparison.Ordinal) || value.Contains("{{", StringComparison.Ordinal)
            || PlaceholderValues.Contains(letters) || PlaceholderWords.Any(w => letters.Contains(w, StringComparison.Ordinal)))
        {
            return "is a placeholder, not a secret";
        }

        if (value.Length < MinimumLength)
        {
            return $"is {value.Length} characters long; a secret needs at least {MinimumLength} (e.g. openssl rand -hex 32)";
        }

        if (value.Distinct().Count() < 8)
        {
            return "repeats a few characters; use a random secret (e.g. openssl rand -hex 32)";
        }

        return null;
    }

    public static bool IsKeyVaultReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);
}
