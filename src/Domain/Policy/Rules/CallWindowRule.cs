using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>
/// The campaign's window: read in the campaign's zone, or with <c>windowZone: "contact"</c> in each of the contact's
/// zones (open in all of them at once; the campaign's zone when the contact's is unknown). Once no opening is left
/// before the end date, the item ends.
/// </summary>
public sealed class CallWindowRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at)
    {
        var campaign = subject.Campaign;
        var windows = campaign.WindowZonesFor(subject.Contact).Select(zone => campaign.Window with { TimeZone = zone }).ToArray();
        if (windows.Any(window => window.HasEndedAt(at))) return new RuleVerdict.Stop(null, "campaign ended");
        if (windows.All(window => window.IsOpenAt(at))) return RuleVerdict.Allow;

        var opens = Joint.Earliest(windows.Select(window => (Func<DateTimeOffset, DateTimeOffset?>)window.EarliestStartAtOrAfter).ToArray(), at);
        if (campaign.Status == CampaignStatus.Scheduled)
        {
            return new RuleVerdict.Hold(WaitingReason.Scheduled, "The campaign starts {when}.", opens, campaign.Window.TimeZone);
        }

        var contactTime = campaign.WindowZone == WindowZone.Contact && subject.Contact.TimeZones.Count > 0;
        return contactTime
            ? new RuleVerdict.Hold(
                WaitingReason.ContactTime,
                $"Outside the calling window in the contact's local time ({string.Join(", ", subject.Contact.TimeZones)}); they can be called {{when}}.",
                opens, subject.Contact.TimeZones[0])
            : new RuleVerdict.Hold(WaitingReason.WindowClosed, "Outside the calling window; it opens {when}.", opens, campaign.Window.TimeZone);
    }
}
