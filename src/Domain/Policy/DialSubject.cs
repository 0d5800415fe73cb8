using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy;

/// <summary>What the gate knows of a campaign: its status, its window, and whose clock the window is read on.</summary>
public sealed record CampaignTerms(string Status, CallWindow Window, string WindowZone = Policy.WindowZone.Campaign)
{
    /// <summary>The zones the window is read in for a contact: theirs in "contact" mode (when known), else the campaign's.</summary>
    public IReadOnlyList<string> WindowZonesFor(ContactClock contact) =>
        WindowZone == Policy.WindowZone.Contact ? contact.ZonesOr(Window.TimeZone) : [Window.TimeZone];
}

/// <summary>
/// One queued item as the gate sees it: its campaign, its contact's clock, its not-before time (a spread time or a
/// retry's delay), the attempts made, the calling rules in force, the do-not-call entry of its number, if any, and
/// until when the frequency cap holds its number, if it does.
/// </summary>
public sealed record DialSubject(
    CampaignTerms Campaign,
    ContactClock Contact,
    DateTimeOffset? NotBefore,
    int Attempts,
    IReadOnlyList<CallingRule> Rules,
    Suppressions.Suppression? DoNotCall = null,
    DateTimeOffset? CappedUntil = null)
{
    /// <summary>The zones a local-time rule is read in for this contact: theirs, or the campaign's when none is known.</summary>
    public IReadOnlyList<string> ContactZones => Contact.ZonesOr(Campaign.Window.TimeZone);
}
