namespace CallCampaigns.Grains.Abstractions;

/// <summary>
/// One user: passes the slots the system grants it to the user's campaigns, round-robin, least recently served
/// first. The user's limit is enforced where slots are granted (the ledger). Keyed by <see cref="KeyOf"/>.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// A campaign reports the slots it just released and how many more it could use now; returns the slots it gets
    /// at once. Slots that free up later arrive through <see cref="ICampaignGrain.SlotsGranted"/>.
    /// </summary>
    Task<IReadOnlyList<long>> UpdateDemand(long campaignId, int released, int wanted);

    /// <summary>Slots the system grants this user after a wait.</summary>
    [OneWay]
    Task SlotsGranted(IReadOnlyList<long> leaseIds);

    /// <summary>The user's limit changed: more (or fewer) new calls may start.</summary>
    Task LimitChanged();

    /// <summary>The grain key for a user id (prefixed so no id is read as a number by the storage provider).</summary>
    static string KeyOf(string userId) => "u_" + userId;
}
