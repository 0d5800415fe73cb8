using CallCampaigns.Domain;
using CallCampaigns.Domain.Concurrency;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Concurrency;

/// <summary>
/// Hands free system slots to waiting users, least recently served first. Each grant is a lease the ledger writes
/// only while the user's and the system's limits allow, so this grain decides the order and the ledger guarantees
/// the limits, even while a silo fails and two activations of this grain briefly exist.
/// Its memory (who waits for how many, who was served when) is rebuilt as users report their demand.
/// </summary>
[KeepAlive]
public sealed class SystemConcurrencyGrain(
    SlotLeaseStore leases, EngineClock time, IOptions<EngineOptions> options, ILogger<SystemConcurrencyGrain> logger)
    : Grain, ISystemConcurrencyGrain
{
    private readonly RoundRobin<string> _waiting = new();
    /// <summary>Users refused by their own limit: skipped until they release a slot (or the next tick).</summary>
    private readonly HashSet<string> _atUserLimit = [];

    async Task<IReadOnlyList<long>> ISystemConcurrencyGrain.UpdateDemand(string userId, int released, int wanted)
    {
        _waiting.Want(userId, wanted);
        if (released > 0) _atUserLimit.Remove(userId);
        return await DistributeAsync(requester: userId);
    }

    async Task ISystemConcurrencyGrain.LimitsChanged()
    {
        _atUserLimit.Clear();
        await DistributeAsync(requester: null);
    }

    async Task ISystemConcurrencyGrain.Tick()
    {
        var reclaimed = await leases.ReclaimUnboundAsync(UnixMs.From(time.GetUtcNow() - options.Value.UnboundLeaseTimeout));
        if (reclaimed.Count > 0) logger.LogWarning("Reclaimed {Count} slots granted but never used", reclaimed.Count);
        // Their users count their calls again and ask anew (one-way: they ask this grain back).
        foreach (var userId in reclaimed.Distinct()) await GrainFactory.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId)).SlotsReclaimed();
        _atUserLimit.Clear();
        await DistributeAsync(requester: null);
    }

    /// <summary>
    /// Grants one slot at a time in round-robin order until the system is full or nobody eligible waits.
    /// The requester's slots are returned; everyone else's are sent to them.
    /// </summary>
    private async Task<IReadOnlyList<long>> DistributeAsync(string? requester)
    {
        var granted = new Dictionary<string, List<long>>();
        var now = time.GetUtcNow();
        while (_waiting.TryPeek(user => !_atUserLimit.Contains(user), out var userId))
        {
            var grant = await leases.TryGrantAsync(userId, 1, UnixMs.From(now), UnixMs.From(now + options.Value.UnboundLeaseTimeout));
            if (grant.LeaseIds.Count == 1)
            {
                _waiting.Served(userId);
                (granted.TryGetValue(userId, out var list) ? list : granted[userId] = []).Add(grant.LeaseIds[0]);
                continue;
            }

            if (grant.LimitedBy == GrantLimit.System) break;
            _atUserLimit.Add(userId);
        }

        var mine = requester is not null && granted.Remove(requester, out var own) ? own : [];
        foreach (var (userId, leaseIds) in granted)
        {
            await GrainFactory.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId)).SlotsGranted(leaseIds);
        }

        return mine;
    }
}
