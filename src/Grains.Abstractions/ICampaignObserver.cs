namespace CallCampaigns.Grains.Abstractions;

/// <summary>Told of a campaign's changes as they happen (a live event stream holds one per connection).</summary>
public interface ICampaignObserver : IGrainObserver
{
    [OneWay]
    Task OnCampaignEvent(CampaignEvent change);
}

/// <summary>
/// A change of a campaign (<see cref="Kind"/> <c>campaign</c>: its status and counters), of one of its items
/// (<c>item</c>: the item's new status), or an import's progress (<c>import</c>).
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
    [property: Id(7)] CampaignCounters? Counters = null,
    [property: Id(8)] ImportProgress? Import = null)
{
    public const string CampaignKind = "campaign";
    public const string ItemKind = "item";
    public const string ImportKind = "import";
}

/// <summary>
/// How far a CSV import into the campaign has come: <see cref="Phase"/> is <c>reading</c> (rows read and checked so
/// far), <c>joining</c> (every row read; contacts are merged and items added) or <c>done</c> (with the outcome).
/// </summary>
[GenerateSerializer, Immutable, Alias("ImportProgress")]
public sealed record ImportProgress(
    [property: Id(0)] string Phase,
    [property: Id(1)] int RowsRead,
    [property: Id(2)] long? ImportId = null,
    [property: Id(3)] int? Imported = null,
    [property: Id(4)] int? SkippedDuplicates = null,
    [property: Id(5)] int? Failed = null);

[GenerateSerializer, Immutable, Alias("CampaignCounters")]
public sealed record CampaignCounters(
    [property: Id(0)] int TotalContacts,
    [property: Id(1)] int Queued,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Successful,
    [property: Id(4)] int Failed,
    [property: Id(5)] int Cancelled,
    [property: Id(6)] DateTimeOffset? NextCallAt);
