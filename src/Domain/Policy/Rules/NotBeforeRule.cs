using CallCampaigns.Domain.Campaigns;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>An item's not-before time: its place in a spread plan, or a retry's delay after the previous attempt.</summary>
public sealed class NotBeforeRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at)
    {
        if (subject.NotBefore is not { } due || due <= at) return RuleVerdict.Allow;
        var zone = subject.Campaign.Window.TimeZone;
        return subject.Attempts > 0
            ? new RuleVerdict.Hold(WaitingReason.RetryDelay, $"Retry {subject.Attempts + 1} not before {{when}}.", due, zone)
            : new RuleVerdict.Hold(WaitingReason.Scheduled, "Spread over the window: not before {when}.", due, zone);
    }
}
