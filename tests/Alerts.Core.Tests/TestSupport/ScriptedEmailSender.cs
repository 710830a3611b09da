using Alerts.Core.Delivery;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="IEmailSender"/> that records every email and answers per recipient address:
/// <see cref="EmailSendResult.Accepted"/> unless a result (or an exception) was set for that address.
/// </summary>
internal sealed class ScriptedEmailSender : IEmailSender
{
    private readonly Dictionary<string, Queue<Func<EmailSendResult>>> _scripts = new(StringComparer.Ordinal);

    public List<EmailMessage> Sent { get; } = [];

    /// <summary>The next sends to <paramref name="to"/> answer these results, in order; then Accepted.</summary>
    public ScriptedEmailSender Answer(string to, params EmailSendResult[] results)
    {
        foreach (var result in results)
        {
            Script(to).Enqueue(() => result);
        }

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
        Sent.Add(message);
        if (_scripts.TryGetValue(message.To, out var script) && script.TryDequeue(out var next))
        {
            return Task.FromResult(next());
        }

        return Task.FromResult(EmailSendResult.Accepted);
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
