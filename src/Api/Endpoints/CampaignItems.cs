using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Contacts joining a campaign, planned by <see cref="QueuePlan"/>: each gets its priority now, and with spread pacing its not-before time.</summary>
public static class CampaignItems
{
    /// <summary>Items for <paramref name="contacts"/> in the order given (their join order).</summary>
    public static IReadOnlyList<NewQueueItem> Plan(Campaign campaign, IReadOnlyList<ContactRow> contacts, DateTimeOffset now)
    {
        var facts = contacts.Select(c => PriorityFacts.Of(c.Name, c.Email, c.Company, c.SuccessfulCalls, c.NotConnectedCalls)).ToArray();
        return QueuePlan.Plan(campaign.Pacing, campaign.Window, facts, now)
            .Select((planned, i) => new NewQueueItem(contacts[i].Id, contacts[i].PhoneNumber, contacts[i].Name, planned.Priority, UnixMs.From(planned.NotBefore)))
            .ToList();
    }
}
