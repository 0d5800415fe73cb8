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
/// When work starts (a user that did not wait asks, releasing nothing), that user gets one slot at once and the
/// other free slots are kept for <see cref="Gathering"/>: campaigns whose window opens at one moment ask within
/// milliseconds of each other, each user starting then gets its first slot, and the rest go round robin among all of
/// them, not all to whoever asked first. A release is never kept waiting: a hand-off stays immediate.
/// </summary>
[KeepAlive]
public sealed class SystemConcurrencyGrain(
    SlotLeaseStore leases, EngineClock time, IOptions<EngineOptions> options, ILogger<SystemConcurrencyGrain> logger)
    : Grain, ISystemConcurrencyGrain
{
    private readonly RoundRobin<string> _waiting = new();
    /// <summary>Users refused by their own limit: skipped until they release a slot (or the next tick).</summary>
    private readonly HashSet<string> _atUserLimit = [];

    /// <summary>How long the free slots are kept, once work starts, for others starting at the same moment.</summary>
    private static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(200);

    private IGrainTimer? _gathering;
    private bool _gatheringDue;

    async Task<IReadOnlyList<long>> ISystemConcurrencyGrain.UpdateDemand(string userId, int released, int wanted)
    {
        var starts = released == 0 && wanted > 0 && _waiting.WantedBy(userId) == 0;
        _waiting.Want(userId, wanted);
        if (released > 0) _atUserLimit.Remove(userId);
        if (starts)
        {
            if (!_gatheringDue) Gather();
            return await GrantOneAsync(userId);
        }

        return released == 0 && _gatheringDue ? [] : await DistributeAsync(requester: userId);
    }

    /// <summary>
    /// The first slot of a user whose work starts: at once (a wake still dials in its own turn), and outside the
    /// turns, so that the slots kept for the gathering go in the order the users had before it.
    /// </summary>
    private async Task<IReadOnlyList<long>> GrantOneAsync(string userId)
    {
        if (_atUserLimit.Contains(userId) || (await TryGrantOneAsync(userId)).LeaseId is not { } leaseId) return [];
        _waiting.GaveAside(userId);
        return [leaseId];
    }

    /// <summary>
    /// One slot for <paramref name="userId"/> if the ledger's limits allow it. Refused by the system's limit: the
    /// system is full; by the user's own: the user is skipped until it releases a slot.
    /// </summary>
    private async Task<(long? LeaseId, bool SystemFull)> TryGrantOneAsync(string userId)
    {
        var now = time.GetUtcNow();
        var grant = await leases.TryGrantAsync(userId, 1, UnixMs.From(now), UnixMs.From(now + options.Value.UnboundLeaseTimeout));
        if (grant.LeaseIds.Count == 1) return (grant.LeaseIds[0], false);
        if (grant.LimitedBy == GrantLimit.System) return (null, true);
        _atUserLimit.Add(userId);
        return (null, false);
    }

    /// <summary>Hands out the free slots once <see cref="Gathering"/> is over (counted from the first start).</summary>
    private void Gather()
    {
        _gatheringDue = true;
        _gathering ??= this.RegisterGrainTimer(async () =>
        {
            _gatheringDue = false;
            await DistributeAsync(requester: null);
        }, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        _gathering.Change(Gathering, Timeout.InfiniteTimeSpan);
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
        while (_waiting.TryPeek(user => !_atUserLimit.Contains(user), out var userId))
        {
            var (grant, systemFull) = await TryGrantOneAsync(userId);
            if (systemFull) break;
            if (grant is not { } leaseId) continue;
            _waiting.Served(userId);
            (granted.TryGetValue(userId, out var list) ? list : granted[userId] = []).Add(leaseId);
        }

        var mine = requester is not null && granted.Remove(requester, out var own) ? own : [];
        foreach (var (userId, leaseIds) in granted)
        {
            await GrainFactory.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId)).SlotsGranted(leaseIds);
        }

        return mine;
    }
}
