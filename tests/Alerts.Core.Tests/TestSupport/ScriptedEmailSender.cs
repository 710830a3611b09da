using Alerts.Core.Delivery;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="IEmailSender"/> that records every email and answers per recipient address:
/// <see cref="EmailSendResult.Accepted"/> unless a result (or an exception) was set for that address.
/// A batch answers as SendGrid does for one request: the first recipient with a scripted answer decides for the whole
/// batch; a permanent refusal stays scripted while its address shares a batch with others (the address is still bad when
/// the dispatcher splits the batch to find it).
/// </summary>
internal sealed class ScriptedEmailSender : IEmailSender
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Func<EmailSendResult>>> _scripts = new(StringComparer.Ordinal);

    /// <summary>Every email attempted, one per recipient (a batch adds its recipients' emails).</summary>
    public List<EmailMessage> Sent { get; } = [];

    /// <summary>Every batch attempted (one carrier request each).</summary>
    public List<EmailBatch> Batches { get; } = [];

    /// <summary>The next sends to <paramref name="to"/> answer these results, in order; then Accepted.</summary>
    public ScriptedEmailSender Answer(string to, params EmailSendResult[] results)
    {
        foreach (var result in results)
        {
            Script(to).Enqueue(() => result);
        }

        return this;
    }

    /// <summary>The next send to <paramref name="to"/> answers what <paramref name="answer"/> returns, called at that moment.</summary>
    public ScriptedEmailSender AnswerWith(string to, Func<EmailSendResult> answer)
    {
        Script(to).Enqueue(answer);
        return this;
    }

    /// <summary>The next send to <paramref name="to"/> throws <paramref name="exception"/>.</summary>
    public ScriptedEmailSender Throw(string to, Exception exception)
    {
        Script(to).Enqueue(() => throw exception);
        return this;
    }

    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Sent.Add(message);
            if (_scripts.TryGetValue(message.To, out var script) && script.TryDequeue(out var next))
            {
                return Task.FromResult(next());
            }

            return Task.FromResult(EmailSendResult.Accepted);
        }
    }

    public Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Batches.Add(batch);
            for (var i = 0; i < batch.Recipients.Count; i++)
            {
                Sent.Add(batch.Expand(i));
            }

            foreach (var recipient in batch.Recipients)
            {
                if (!_scripts.TryGetValue(recipient.To, out var script) || !script.TryPeek(out var next))
                {
                    continue;
                }

                var result = next();
                if (batch.Recipients.Count == 1 || result.Status != EmailSendStatus.Permanent)
                {
                    script.Dequeue();
                }

                return Task.FromResult(result);
            }

            return Task.FromResult(EmailSendResult.Accepted);
        }
    }

    private Queue<Func<EmailSendResult>> Script(string to)
    {
        if (!_scripts.TryGetValue(to, out var script))
        {
            script = new Queue<Func<EmailSendResult>>();
            _scripts[to] = script;
        }

        return script;
    }
}
