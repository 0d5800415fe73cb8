using CallCampaigns.Ledger.Slots;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// A campaign's side of slot accounting: the slots its user granted it and it has not used yet, the releases of its
/// calls it has not told its user of, and the demand it last reported. The user grain owns the count; this only
/// reports to it, and asks again after a wake, since the allocators' memory may have died with a node.
/// </summary>
internal sealed class SlotAccount(long campaignId, SlotLeaseStore leases, IGrainFactory grains)
{
    private readonly Queue<long> _unused = new();
    private int _released;
    private int _reported;
    private bool _reassert;

    /// <summary>Slots granted and not used yet.</summary>
    public int Unused => _unused.Count;

    /// <summary>True when the campaign last told its user it waits for slots.</summary>
    public bool Waiting => _reported > 0;

    public void Granted(IEnumerable<long> leaseIds)
    {
        foreach (var leaseId in leaseIds) _unused.Enqueue(leaseId);
    }

    public void Released(int count) => _released += count;

    /// <summary>At the start of a pump: a wake (a node died, a reminder) reports the demand again even if unchanged.</summary>
    public void StartPump(bool reassert) => _reassert = reassert;

    public bool TryNext(out long leaseId) => _unused.TryPeek(out leaseId);

    /// <summary>The slot <see cref="TryNext"/> gave was used by a claim, or was found taken back.</summary>
    public void Spend() => _unused.Dequeue();

    /// <summary>
    /// Gives back unused slots when nothing is wanted, and tells <paramref name="userId"/>'s grain what the campaign
    /// wants now and what it released; returns how many slots it newly granted.
    /// </summary>
    public async Task<int> SettleAsync(string? userId, int wanted)
    {
        if (wanted == 0 && _unused.Count > 0)
        {
            _released += await leases.ReturnUnboundAsync(_unused.ToArray());
            _unused.Clear();
        }

        var reassert = _reassert && wanted > 0;
        if (_released == 0 && wanted == _reported && !reassert) return 0;
        _reassert = false;
        if (userId is null) return 0;
        var released = _released;
        _released = 0;
        _reported = wanted;
        var user = grains.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId));
        // A wake has the user count its calls again: releases told to a dead node's activation of this campaign never reached it.
        var granted = reassert ? await user.ReassertDemand(campaignId, released, wanted) : await user.UpdateDemand(campaignId, released, wanted);
        Granted(granted);
        return granted.Count;
    }
}
