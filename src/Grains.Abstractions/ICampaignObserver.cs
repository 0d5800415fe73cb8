namespace CallCampaigns.Grains.Abstractions;

/// <summary>Told of a campaign's changes as they happen (a live event stream holds one per connection).</summary>
public interface ICampaignObserver : IGrainObserver
{
    [OneWay]
    Task OnCampaignEvent(CampaignEvent change);
}

/// <summary>
/// A change of a campaign (<see cref="Kind"/> <c>campaign</c>: its status and counters) or of one of its items
/// (<c>item</c>: the item's new status).
/// </summary>
[GenerateSerializer, Immutable, Alias("CampaignEvent")]
public sealed record CampaignEvent(
    [property: Id(0)] string Kind,
    [property: Id(1)] long CampaignId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] long? ItemId = null,
    [property: Id(4)] string? Status = null,
    [property: Id(5)] string? Outcome = null,
    [property: Id(6)] int? Attempts = null,
    [property: Id(7)] CampaignCounters? Counters = null)
{
    public const string CampaignKind = "campaign";
    public const string ItemKind = "item";
}

[GenerateSerializer, Immutable, Alias("CampaignCounters")]
public sealed record CampaignCounters(
    [property: Id(0)] int TotalContacts,
    [property: Id(1)] int Queued,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Successful,
    [property: Id(4)] int Failed,
    [property: Id(5)] int Cancelled,
    [property: Id(6)] DateTimeOffset? NextCallAt);
