namespace CallCampaigns.Grains.Abstractions;

/// <summary>
/// The single place free system slots are handed out: to waiting users in round-robin order, least recently served
/// first. Grants are leases written to the ledger under both limits, so even two activations cannot over-grant.
/// </summary>
public interface ISystemConcurrencyGrain : IGrainWithIntegerKey
{
    /// <summary>The singleton's key.</summary>
    const long Key = 0;

    /// <summary>
    /// A user reports the slots it released and how many more it could use now; returns the slots it gets at once
    /// (when work starts, one at once and the rest after a short gathering, so that those asking together share them).
    /// Slots handed out later arrive through <see cref="IUserGrain.SlotsGranted"/>.
    /// </summary>
    Task<IReadOnlyList<long>> UpdateDemand(string userId, int released, int wanted);

    /// <summary>A limit changed: slots may be free now.</summary>
    Task LimitsChanged();

    /// <summary>Periodic safety net: reclaims slots granted but never used, and hands out whatever is free.</summary>
    Task Tick();
}
