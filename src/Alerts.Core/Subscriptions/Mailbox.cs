namespace Alerts.Core.Subscriptions;

/// <summary>
/// The inbox an address reaches, for limits that must not be beaten by spelling one inbox many ways: lower case, without
/// a plus-tag (<c>victim+1@example.com</c> is <c>victim@example.com</c>), and at Gmail without dots in the local part
/// (<c>v.ictim@googlemail.com</c> is <c>victim@gmail.com</c>). Only for counting: email goes to the address as given.
/// </summary>
public static class Mailbox
{
    private static readonly HashSet<string> DotsIgnored = new(StringComparer.Ordinal) { "gmail.com", "googlemail.com" };

    public static string Canonical(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return email.ToLowerInvariant();
        }

        var local = email[..at].ToLowerInvariant();
        var domain = Domain(email);
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            local = local[..plus];
        }

        if (DotsIgnored.Contains(domain))
        {
            local = local.Replace(".", string.Empty, StringComparison.Ordinal);
            domain = "gmail.com";
        }

        return local + "@" + domain;
    }

    /// <summary>The address's domain, lower case, without a trailing dot (<c>example.com</c>).</summary>
    public static string Domain(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email[(email.LastIndexOf('@') + 1)..].TrimEnd('.').ToLowerInvariant();
    }
}
