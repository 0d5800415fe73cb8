using CallCampaigns.Domain;
using CallCampaigns.Domain.Concurrency;
using CallCampaigns.Ledger.Slots;
using CallCampaigns.Ledger.Users;

namespace CallCampaigns.Grains.Concurrency;

/// <summary>
/// One user's share of the system: knows the user's limit and calls in flight, collects what the user's campaigns
/// want, asks the system for no more than the user has room for, and passes each granted slot to the user's
/// campaigns in round-robin order. The ledger enforces the limit at every grant; this view only saves asking
/// when there is no room, and is refreshed from the ledger so it cannot drift for long.
/// </summary>
public sealed class UserGrain(UserStore users, SlotLeaseStore leases, EngineClock time) : Grain, IUserGrain
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(15);
    /// <summary>The user's campaigns in turn; those never served yet go oldest first, as a forecast assumes.</summary>
    private readonly RoundRobin<long> _campaigns = new(Comparer<long>.Default);
    private int _limit;
    private int _inFlight;
    private DateTimeOffset _refreshedAt;

    private string UserId => this.GetPrimaryKeyString()[2..];

    private ISystemConcurrencyGrain System => GrainFactory.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => RefreshAsync();

    async Task<IReadOnlyList<long>> IUserGrain.UpdateDemand(long campaignId, int released, int wanted)
    {
        _inFlight = Math.Max(0, _inFlight - released);
        _campaigns.Want(campaignId, wanted);
        if (time.GetUtcNow() - _refreshedAt > RefreshAfter) await RefreshAsync();
        return await PassOnAsync(await AskSystemAsync(released), requester: campaignId);
    }

    async Task<IReadOnlyList<long>> IUserGrain.ReassertDemand(long campaignId, int released, int wanted)
    {
        _campaigns.Want(campaignId, wanted);
        await RefreshAsync(); // the ledger's count already leaves out what was released
        return await PassOnAsync(await AskSystemAsync(released), requester: campaignId);
    }

    async Task IUserGrain.SlotsGranted(IReadOnlyList<long> leaseIds)
    {
        _inFlight += leaseIds.Count;
        await PassOnAsync(leaseIds, requester: null);
    }

    Task IUserGrain.SlotsReclaimed() => ((IUserGrain)this).LimitChanged();

    async Task IUserGrain.LimitChanged()
    {
        await RefreshAsync();
        await PassOnAsync(await AskSystemAsync(released: 0), requester: null);
    }

    /// <summary>Tells the system what was released and how much more fits under the user's limit.</summary>
    private async Task<IReadOnlyList<long>> AskSystemAsync(int released)
    {
        var room = Math.Max(0, _limit - _inFlight);
        var granted = await System.UpdateDemand(UserId, released, Math.Min(_campaigns.TotalWanted, room));
        _inFlight += granted.Count;
        return granted;
    }

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
            _inFlight = Math.Max(0, _inFlight - unwanted.Count);
            await PassOnAsync(await AskSystemAsync(released), requester: null);
        }

        return mine;
    }

    private async Task RefreshAsync()
    {
        _limit = (await users.GetAsync(UserId))?.ConcurrencyLimit ?? 0;
        _inFlight = await leases.CountAsync(UserId);
        _refreshedAt = time.GetUtcNow();
    }
}
