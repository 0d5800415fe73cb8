using CallCampaigns.Domain.Campaigns;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>
/// A number the frequency cap holds (its claim found the number's quota used: <see cref="DialSubject.CappedUntil"/>)
/// waits until the oldest counted dial leaves the window. The claim enforces the cap; this rule says so.
/// </summary>
public sealed class FrequencyCapRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at) =>
        subject.CappedUntil is { } until && until > at
            ? new RuleVerdict.Hold(WaitingReason.FrequencyCap, "This number has had as many calls as the cap allows: the next one not before {when}.", until, subject.ContactZones[0])
            : RuleVerdict.Allow;
}
