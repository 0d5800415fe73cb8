using CallCampaigns.Domain.Concurrency;
using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Concurrency;

/// <summary>
/// One user's share of the system: collects what the user's campaigns want, asks the system for it as one
/// demand, and passes each granted slot to the user's campaigns in round-robin order.
/// </summary>
public sealed class UserGrain(SlotLeaseStore leases) : Grain, IUserGrain
{
    private readonly RoundRobin<long> _campaigns = new();

    private string UserId => this.GetPrimaryKeyString()[2..];

    private ISystemConcurrencyGrain System => GrainFactory.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key);

    async Task<IReadOnlyList<long>> IUserGrain.UpdateDemand(long campaignId, int released, int wanted)
    {
        _campaigns.Want(campaignId, wanted);
        var granted = await System.UpdateDemand(UserId, released, _campaigns.TotalWanted);
        return await PassOnAsync(granted, requester: campaignId);
    }

    async Task IUserGrain.SlotsGranted(IReadOnlyList<long> leaseIds) => await PassOnAsync(leaseIds, requester: null);

    /// <summary>Gives each slot to the campaign whose turn it is; returns the requester's; gives back what nobody wants.</summary>
    private async Task<IReadOnlyList<long>> PassOnAsync(IReadOnlyList<long> leaseIds, long? requester)
    {
        var mine = new List<long>();
        var others = new Dictionary<long, List<long>>();
        var unwanted = new List<long>();
        foreach (var leaseId in leaseIds)
        {
            if (!_campaigns.TryPeek(out var campaignId))
            {
                unwanted.Add(leaseId);
                continue;
            }

            _campaigns.Served(campaignId);
            if (campaignId == requester) mine.Add(leaseId);
            else (others.TryGetValue(campaignId, out var list) ? list : others[campaignId] = []).Add(leaseId);
        }

        foreach (var (campaignId, list) in others)
        {
            await GrainFactory.GetGrain<ICampaignGrain>(campaignId).SlotsGranted(list);
        }

        if (unwanted.Count > 0)
        {
            var released = await leases.ReturnUnboundAsync(unwanted);
            await PassOnAsync(await System.UpdateDemand(UserId, released, _campaigns.TotalWanted), requester: null);
        }

        return mine;
    }
}
