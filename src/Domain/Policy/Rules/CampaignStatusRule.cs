using CallCampaigns.Domain.Campaigns;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>A paused campaign holds its items until it is resumed; a completed or cancelled one ends them.</summary>
public sealed class CampaignStatusRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at) => subject.Campaign.Status switch
    {
        CampaignStatus.Paused => new RuleVerdict.Hold(
            WaitingReason.Paused, "The campaign is paused: no calls until it is resumed.", null, subject.Campaign.Window.TimeZone),
        CampaignStatus.Completed or CampaignStatus.Cancelled => new RuleVerdict.Stop(null, "campaign ended"),
        _ => RuleVerdict.Allow,
    };
}
