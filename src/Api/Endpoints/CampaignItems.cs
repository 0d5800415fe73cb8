using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Contacts joining a campaign: each gets its priority now, and with spread pacing its not-before time.</summary>
public static class CampaignItems
{
    /// <summary>Items for <paramref name="contacts"/> in the order given (their join order).</summary>
    public static IReadOnlyList<NewQueueItem> Plan(CampaignRow campaign, IReadOnlyList<ContactRow> contacts, DateTimeOffset now)
    {
        var items = contacts
            .Select(c => new NewQueueItem(c.Id, c.PhoneNumber, c.Name,
                Priority.Compute(c.Name, c.Email, c.Company, c.SuccessfulCalls, c.NotConnectedCalls), null))
            .ToList();
        if (campaign.Pacing != Pacing.Spread) return items;

        // Spread over the window in dispatch order: priority descending, then join order.
        var dispatchOrder = items.Select((item, index) => (item, index))
            .OrderByDescending(x => x.item.Priority).ThenBy(x => x.index).ToArray();
        var times = SpreadPlanner.Plan(campaign.Window(), dispatchOrder.Length, now);
        for (var i = 0; i < dispatchOrder.Length; i++)
        {
            items[dispatchOrder[i].index] = dispatchOrder[i].item with { ScheduledFor = UnixMs.From(times[i]) };
        }

        return items;
    }
}
