using CallCampaigns.Domain.Suppressions;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>A number on the user's or the system's do-not-call list is never dialled: its item ends.</summary>
public sealed class DoNotCallRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at) =>
        subject.DoNotCall is { } entry ? new RuleVerdict.Stop(Suppression.Outcome, entry.Describe()) : RuleVerdict.Allow;
}
