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

    /// <summary>
    /// As <see cref="UpdateDemand"/>, after counting the user's calls again in the ledger: a
    /// campaign woken afresh (a node died, a reminder) cannot know what its releases reached (they may have been told
    /// to a grain on a node that is gone).
    /// </summary>
    Task<IReadOnlyList<long>> ReassertDemand(long campaignId, int released, int wanted);

    /// <summary>Slots the system grants this user after a wait.</summary>
    [OneWay]
    Task SlotsGranted(IReadOnlyList<long> leaseIds);

    /// <summary>Some of the user's slots were taken back unused (their holder may be gone): count the calls again and ask for more.</summary>
    [OneWay]
    Task SlotsReclaimed();

    /// <summary>The user's limit changed: more (or fewer) new calls may start.</summary>
    Task LimitChanged();

    /// <summary>The grain key for a user id (prefixed so no id is read as a number by the storage provider).</summary>
    static string KeyOf(string userId) => "u_" + userId;
}
