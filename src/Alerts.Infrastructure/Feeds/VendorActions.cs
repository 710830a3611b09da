using System.Text.RegularExpressions;
using Alerts.Core.Ratings;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// The vendors' action words on our actions. A word we do not know gives no action, and the action is then inferred
/// from the ratings and targets; a known word that the facts contradict (a "maintains" whose rating moved) is corrected
/// by the normalizer's inference, as for every other sender.
/// </summary>
internal static partial class VendorActions
{
    private static readonly Dictionary<string, RatingAction> Rating = new(StringComparer.Ordinal)
    {
        // Finnhub, Yahoo: up, down, init, reit, main. FMP: upgrade, downgrade, maintain, hold, initialise.
        // Benzinga: Upgrades, Downgrades, Maintains, Reiterates, Reinstates, Assumes, Initiates Coverage On,
        // Terminates Coverage On, Removes, Suspends, Firm Dissolved.
        ["up"] = RatingAction.Upgrade,
        ["upgrade"] = RatingAction.Upgrade,
        ["upgrades"] = RatingAction.Upgrade,
        ["upgraded"] = RatingAction.Upgrade,
        ["down"] = RatingAction.Downgrade,
        ["downgrade"] = RatingAction.Downgrade,
        ["downgrades"] = RatingAction.Downgrade,
        ["downgraded"] = RatingAction.Downgrade,
        ["init"] = RatingAction.Initiate,
        ["initiate"] = RatingAction.Initiate,
        ["initiates"] = RatingAction.Initiate,
        ["initiated"] = RatingAction.Initiate,
        ["initialise"] = RatingAction.Initiate,
        ["initialize"] = RatingAction.Initiate,
        ["initialised"] = RatingAction.Initiate,
        ["initialized"] = RatingAction.Initiate,
        ["initiates coverage on"] = RatingAction.Initiate,
        ["initiated coverage"] = RatingAction.Initiate,
        ["reit"] = RatingAction.Reiterate,
        ["reiterate"] = RatingAction.Reiterate,
        ["reiterates"] = RatingAction.Reiterate,
        ["reiterated"] = RatingAction.Reiterate,
        ["main"] = RatingAction.Reiterate,
        ["maintain"] = RatingAction.Reiterate,
        ["maintains"] = RatingAction.Reiterate,
        ["maintained"] = RatingAction.Reiterate,
        ["hold"] = RatingAction.Reiterate,
        ["reinstate"] = RatingAction.Resume,
        ["reinstates"] = RatingAction.Resume,
        ["reinstated"] = RatingAction.Resume,
        ["resume"] = RatingAction.Resume,
        ["resumes"] = RatingAction.Resume,
        ["resumed"] = RatingAction.Resume,
        // A new analyst takes over a stock the firm already covered: coverage goes on, it does not start.
        ["assume"] = RatingAction.Resume,
        ["assumes"] = RatingAction.Resume,
        ["assumed"] = RatingAction.Resume,
        ["suspend"] = RatingAction.Suspend,
        ["suspends"] = RatingAction.Suspend,
        ["suspended"] = RatingAction.Suspend,
        ["terminates coverage on"] = RatingAction.Suspend,
        ["terminates"] = RatingAction.Suspend,
        ["terminated"] = RatingAction.Suspend,
        ["removes"] = RatingAction.Suspend,
        ["firm dissolved"] = RatingAction.Suspend,
        ["discontinues"] = RatingAction.Suspend,
        ["drops"] = RatingAction.Suspend,
    };

    private static readonly Dictionary<string, RatingAction> Target = new(StringComparer.Ordinal)
    {
        // Benzinga action_pt: Raises, Lowers, Maintains, Announces, Sets, Adjusts, Removes.
        ["raises"] = RatingAction.TargetRaise,
        ["raise"] = RatingAction.TargetRaise,
        ["raised"] = RatingAction.TargetRaise,
        ["lowers"] = RatingAction.TargetCut,
        ["lower"] = RatingAction.TargetCut,
        ["lowered"] = RatingAction.TargetCut,
    };

    /// <summary>A rating action word ("up", "Upgrades", "Initiates Coverage On"); null when unknown or absent.</summary>
    public static RatingAction? RatingWord(string? word) =>
        Key(word) is { } key && Rating.TryGetValue(key, out var action) ? action : null;

    /// <summary>A price-target action word ("Raises", "Lowers"); null for the others ("Maintains", "Announces"...).</summary>
    public static RatingAction? TargetWord(string? word) =>
        Key(word) is { } key && Target.TryGetValue(key, out var action) ? action : null;

    /// <summary>
    /// Benzinga gives a rating action and a target action. A kept rating with a moved target is a target move;
    /// otherwise the rating action says more (the target move is kept in the targets).
    /// </summary>
    public static RatingAction? Combine(string? ratingWord, string? targetWord)
    {
        var rating = RatingWord(ratingWord);
        var target = TargetWord(targetWord);
        return rating switch
        {
            null or RatingAction.Reiterate when target is not null => target,
            _ => rating,
        };
    }

    /// <summary>
    /// What a price-target record's headline states was done, for a record that gives only the new target: an upgrade or
    /// a downgrade where it says so ("Apple Gets Rare Downgrade From Jefferies"), a target raise or cut where it names the
    /// target and one direction ("Morgan Stanley raises Apple price target to $273"), an initiation where it says coverage
    /// starts; null when it states none ("Apple Analyst Says iPhone 15 Pro ... Preorders Strong"): nothing is guessed.
    /// </summary>
    public static RatingAction? FromHeadline(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        var upgrade = UpgradeWord().IsMatch(title);
        var downgrade = DowngradeWord().IsMatch(title);
        if (upgrade != downgrade)
        {
            return upgrade ? RatingAction.Upgrade : RatingAction.Downgrade;
        }

        if (upgrade)
        {
            // Both words ("upgrades X, downgrades Y"): not one action.
            return null;
        }

        if (TargetMention().IsMatch(title))
        {
            var raise = RaiseWord().IsMatch(title);
            var cut = CutWord().IsMatch(title);
            if (raise != cut)
            {
                return raise ? RatingAction.TargetRaise : RatingAction.TargetCut;
            }

            if (raise)
            {
                return null;
            }
        }

        return InitiateWord().IsMatch(title) ? RatingAction.Initiate : null;
    }

    private static string? Key(string? word) =>
        string.IsNullOrWhiteSpace(word)
            ? null
            : string.Join(' ', word.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"\b(price\s+target|target\s+price|price\s+objective|PT)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TargetMention();

    [GeneratedRegex(@"\b(raise[sd]?|raising|lift(s|ed)?|boost(s|ed)?|hike[sd]?|increase[sd]?|bump(s|ed)?\s+up|ups)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RaiseWord();

    [GeneratedRegex(@"\b(lower(s|ed)?|lowering|cut(s)?|reduce[sd]?|trim(s|med)?|slash(es|ed)?|decrease[sd]?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CutWord();

    [GeneratedRegex(@"\bupgrad(e|es|ed|ing)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UpgradeWord();

    [GeneratedRegex(@"\bdowngrad(e|es|ed|ing)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DowngradeWord();

    [GeneratedRegex(@"\b(initiat(es|ed|ing)|starts?\s+coverage)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InitiateWord();
}
