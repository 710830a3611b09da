using System.Text.RegularExpressions;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;

namespace Alerts.LoadTest;

/// <summary>
/// Pairs every alert email with the change it is about, and so with the moment that change's post was acknowledged.
/// When a post is acknowledged, every (change, follower of its ticker) is expected under its deterministic alert id
/// (<see cref="AlertIds.For"/>, the id the pickup sender puts in the file name and the Message-Id). An email is matched by
/// its file name, else by its Message-Id, else by its subject (ticker and the change's unique target) and its To address.
/// An email can land before the client has read the 202 (the dispatcher is woken during the request): it waits here
/// until its change is registered, and counts as 0 ms.
/// </summary>
internal sealed partial class AlertTracker(IReadOnlyDictionary<string, IReadOnlyList<Follower>> followersByTicker)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Expected> _expected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _early = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string ChangeId, string Ticker)> _bySubjectKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _subscriptionByEmail =
        followersByTicker.Values.SelectMany(f => f).DistinctBy(f => f.Email).ToDictionary(f => f.Email, f => f.SubscriptionId, StringComparer.OrdinalIgnoreCase);

    private long _unmatched;
    private long _byName;
    private long _byMessageId;
    private long _bySubject;

    public long Unmatched => Interlocked.Read(ref _unmatched);

    public (long ByName, long ByMessageId, long BySubject) MatchedBy => (Interlocked.Read(ref _byName), Interlocked.Read(ref _byMessageId), Interlocked.Read(ref _bySubject));

    /// <summary>A change posted at <paramref name="sentTimestamp"/> was acknowledged at <paramref name="ackTimestamp"/>: expect an email to each follower of its ticker.</summary>
    public int Expect(ScenarioStats scenario, string changeId, string ticker, decimal toTarget, long sentTimestamp, long ackTimestamp)
    {
        if (!followersByTicker.TryGetValue(ticker, out var followers))
        {
            return 0;
        }

        lock (_gate)
        {
            _bySubjectKey[SubjectKey(ticker, ChangeDescription.Money(toTarget, "USD"))] = (changeId, ticker);
            foreach (var follower in followers)
            {
                var alertId = AlertIds.For(changeId, follower.SubscriptionId);
                var expected = new Expected(scenario, sentTimestamp, ackTimestamp);
                _expected[alertId] = expected;
                scenario.AlertExpected();
                if (_early.Remove(alertId, out var arrivedAt))
                {
                    Arrive(expected, arrivedAt);
                }
            }
        }

        return followers.Count;
    }

    public void OnAlertFile(string fileName, string path, long arrivedAt)
    {
        var alertId = Mailbox.AlertIdOf(fileName);
        lock (_gate)
        {
            if (alertId is not null && TryArrive(alertId, arrivedAt))
            {
                _byName++;
                return;
            }
        }

        if (fileName.Contains("-confirmation-", StringComparison.Ordinal))
        {
            return;
        }

        // The name says nothing we know (the sender's naming changed, or the email is early): look inside.
        var (messageId, subject) = Mailbox.HeadersOf(path);
        var to = ToAddress(path);
        lock (_gate)
        {
            if (messageId is not null && MessageIdAlert().Match(messageId) is { Success: true } m && TryArrive(m.Groups[1].Value, arrivedAt))
            {
                _byMessageId++;
                return;
            }

            if (subject is not null && to is not null && _subscriptionByEmail.TryGetValue(to, out var subscriptionId))
            {
                foreach (Match money in Money().Matches(subject))
                {
                    foreach (var ticker in followersByTicker.Keys)
                    {
                        if (subject.Contains(ticker, StringComparison.Ordinal)
                            && _bySubjectKey.TryGetValue(SubjectKey(ticker, money.Value), out var change)
                            && TryArrive(AlertIds.For(change.ChangeId, subscriptionId), arrivedAt))
                        {
                            _bySubject++;
                            return;
                        }
                    }
                }
            }

            if (alertId is not null)
            {
                // Early: its post has not been acknowledged yet.
                _early[alertId] = arrivedAt;
                _byName++;
                return;
            }

            _unmatched++;
        }
    }

    private static string SubjectKey(string ticker, string money) => ticker + "|" + money;

    private static string? ToAddress(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var message = MimeKit.MimeMessage.Load(stream);
            return message.To.Mailboxes.FirstOrDefault()?.Address;
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return null;
        }
    }

    private bool TryArrive(string alertId, long arrivedAt)
    {
        if (!_expected.TryGetValue(alertId, out var expected))
        {
            return false;
        }

        if (expected.ArrivedAt is null)
        {
            Arrive(expected, arrivedAt);
        }
        else
        {
            expected.Scenario.AlertTwice();
        }

        return true;
    }

    private static void Arrive(Expected expected, long arrivedAt)
    {
        expected.ArrivedAt = arrivedAt;
        expected.Scenario.AlertArrived(expected.SentTimestamp, expected.AckTimestamp, arrivedAt);
    }

    [GeneratedRegex(@"^<?([0-9a-f]{16,64})\.alert@")]
    private static partial Regex MessageIdAlert();

    [GeneratedRegex(@"\$[0-9][0-9,]*(\.[0-9]+)?")]
    private static partial Regex Money();

    private sealed class Expected(ScenarioStats scenario, long sentTimestamp, long ackTimestamp)
    {
        public ScenarioStats Scenario { get; } = scenario;

        public long SentTimestamp { get; } = sentTimestamp;

        public long AckTimestamp { get; } = ackTimestamp;

        public long? ArrivedAt { get; set; }
    }
}

/// <summary>A confirmed subscription following one ticker.</summary>
internal sealed record Follower(string SubscriptionId, string Email);
