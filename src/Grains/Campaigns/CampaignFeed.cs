using CallCampaigns.Ledger.Campaigns;
using Orleans.Utilities;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// A campaign's live event streams: the observers subscribed to it (each for a minute at a time), told of item moves,
/// imports and the campaign's own changes; a campaign change only when its status or counters moved.
/// </summary>
internal sealed class CampaignFeed(long campaignId, ILogger logger)
{
    private readonly ObserverManager<ICampaignObserver> _observers = new(TimeSpan.FromMinutes(1), logger);
    private CampaignEvent? _lastCampaign;

    public void Subscribe(ICampaignObserver observer) => _observers.Subscribe(observer, observer);

    public void Unsubscribe(ICampaignObserver observer) => _observers.Unsubscribe(observer);

    public void Item(DateTimeOffset at, long itemId, string status, string? outcome, int attempt) =>
        Publish(new CampaignEvent(CampaignEvent.ItemKind, campaignId, at, itemId, status, outcome, attempt));

    public void Import(DateTimeOffset at, ImportProgress progress) =>
        Publish(new CampaignEvent(CampaignEvent.ImportKind, campaignId, at, Import: progress));

    public void Campaign(DateTimeOffset at, Campaign campaign, DateTimeOffset? nextCallAt)
    {
        if (_observers.Count == 0) return;
        var change = new CampaignEvent(CampaignEvent.CampaignKind, campaignId, at, Status: campaign.Status, Counters: new CampaignCounters(
            campaign.TotalContacts, campaign.QueuedCount, campaign.InProgressCount, campaign.SuccessfulCount, campaign.FailedCount,
            campaign.CancelledCount, nextCallAt));
        if (_lastCampaign is not null && change == _lastCampaign with { At = change.At }) return;
        _lastCampaign = change;
        Publish(change);
    }

    private void Publish(CampaignEvent change)
    {
        if (_observers.Count == 0) return;
        _observers.Notify(observer => observer.OnCampaignEvent(change));
    }
}
